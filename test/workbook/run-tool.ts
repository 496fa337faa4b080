// Running the real programs the workbook tests check against (soffice, pdfinfo, pdftotext): stdout, or an
// error carrying the program's stderr. The 120 s ceiling is for a hung LibreOffice, not a speed check.
import { execFile } from 'node:child_process';

export function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(cmd, args, { timeout: 120_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${cmd} failed: ${stderr || err.message}`)) : resolve(stdout))),
  );
}
