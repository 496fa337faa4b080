// The 50 reporters of bench/rush.bench.ts, in a process of their own (issue 13): in the office the add-ins
// run on 50 other machines, so their work (building each request, reading each answer) must not share
// the server's thread — with PGlite that thread also runs the database. The parent sends one round at a
// time over IPC (bench/rush-shape.ts pushRound) and gets back its wall time, each push's latency and what failed.
import { pushRound, type RushRound } from './rush-shape';

process.on('message', (round: RushRound) => {
  void pushRound(round).then((result) => process.send!(result));
});
