import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

/** Listens with `handle` on host:port; resolves with the server and the port it got (port 0: any free one). */
export async function listenEndpoint(handle: (req: IncomingMessage, res: ServerResponse) => void, host: string, port: number): Promise<{ server: Server; port: number }> {
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return { server, port: typeof address === 'object' && address ? address.port : port };
}

/** Ends the server and every connection it holds (an agent's keep-alive would hold it open). */
export async function closeEndpoint(server: Server | null): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
