// The baseline broker: aedes with no authentication, no ACL, no store, on a plain TCP listener with
// Nagle off, in its own process. Prints `ready <port>`; runs until killed. Its one hook ends each
// publish on a microtask: without it a burst of QoS 0 publishes with no subscriber recurses through
// aedes's batch loop until the stack overflows (the embedded broker's async hooks break that chain).
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const broker = await Aedes.createBroker({
  published: (_packet, _client, done) => queueMicrotask(() => done()),
});
const server = createServer((socket) => {
  socket.setNoDelay(true);
  broker.handle(socket);
});
server.listen(Number(process.env['BENCH_PORT'] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`ready ${(server.address() as { port: number }).port}\n`);
});
