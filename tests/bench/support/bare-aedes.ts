// The baseline broker: aedes with no authentication, no ACL, no store, no hooks, on a plain TCP
// listener with Nagle off, in its own process. Prints `ready <port>`; runs until killed.
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker();
const server = createServer((socket) => {
  socket.setNoDelay(true);
  broker.handle(socket);
});
server.listen(Number(process.env['BENCH_PORT'] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as { port: number }).port}\n`);
});
