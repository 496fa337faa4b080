-- Every change to a plan's structure bumps structure_version (one row, created by the first change): a
-- push reuses the tasks and targets it read at the same version (server/services/push-structure.ts), and
-- any statement that touches them — import, edits, revisions, assignments, unit renames — makes it read again.
CREATE FUNCTION bump_structure_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO structure_version (id, version) VALUES (1, 1)
  ON CONFLICT (id) DO UPDATE SET version = structure_version.version + 1;
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER nodes_structure AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON nodes FOR EACH STATEMENT EXECUTE FUNCTION bump_structure_version();
--> statement-breakpoint
CREATE TRIGGER targets_structure AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON targets FOR EACH STATEMENT EXECUTE FUNCTION bump_structure_version();
--> statement-breakpoint
CREATE TRIGGER target_revisions_structure AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_revisions FOR EACH STATEMENT EXECUTE FUNCTION bump_structure_version();
--> statement-breakpoint
CREATE TRIGGER assignments_structure AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON assignments FOR EACH STATEMENT EXECUTE FUNCTION bump_structure_version();
--> statement-breakpoint
CREATE TRIGGER units_structure AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON units FOR EACH STATEMENT EXECUTE FUNCTION bump_structure_version();
