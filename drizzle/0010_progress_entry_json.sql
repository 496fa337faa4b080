-- A progress row as the JSON a pull sends (ChangedEntry: key, version, values, updatedBy, updatedAt, in
-- that order), the bytes JSON.stringify prints (test/server/pull-drivers.test.ts), except numbers float8
-- prints with an exponent (below 1e-4, from 1e15: 1e-05 for 0.00001), which read back as the same
-- numbers. to_json escapes strings as JSON.stringify does; NaN and ±Infinity are null, as in JSON.stringify.
-- progress.entry is generated from it (issue 13): a row is written once and pulled by every client, so
-- the JSON is built on write instead of on every pull page (4 µs a row on PostgreSQL).
-- IMMUTABLE as a generated column requires: to_json and to_char are only STABLE in general, but here the
-- time is converted to UTC explicitly and the format has no locale-dependent fields. float8's text
-- follows extra_float_digits, which this service never changes (PostgreSQL's default prints the shortest
-- exact form). plpgsql, not sql: an IMMUTABLE sql function over STABLE calls is not inlined, and calling
-- it costs twice as much per written row (10,000 inserts: +150 ms against +70 ms for plpgsql).
CREATE FUNCTION progress_entry_json(
  key text, version integer, month_done double precision, cumulative double precision, status text,
  progress text, problems text, next_steps text, updated_by text, updated_at timestamptz
) RETURNS text LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  RETURN '{"key":' || to_json(key)::text || ',"version":' || version::text
    || ',"values":{"monthDone":' || CASE WHEN month_done IS NULL OR month_done IN ('NaN', 'Infinity', '-Infinity') THEN 'null' ELSE month_done::text END
    || ',"cumulative":' || CASE WHEN cumulative IS NULL OR cumulative IN ('NaN', 'Infinity', '-Infinity') THEN 'null' ELSE cumulative::text END
    || ',"status":' || coalesce(to_json(status)::text, 'null') || ',"progress":' || coalesce(to_json(progress)::text, 'null')
    || ',"problems":' || coalesce(to_json(problems)::text, 'null') || ',"nextSteps":' || coalesce(to_json(next_steps)::text, 'null')
    || '},"updatedBy":' || to_json(updated_by)::text
    || ',"updatedAt":"' || to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"}';
END;
$$;
