import { useEffect, useState, useSyncExternalStore } from 'react';
import { createLiveSocket, liveSocketUrl } from './live-socket.ts';
import type { ConnectionState, LiveSocket } from './live-socket.ts';

/** The tab's one WebSocket to the server, open while the app is mounted. */
export function useLiveSocket(): { socket: LiveSocket; connection: ConnectionState } {
  const [socket] = useState(() => createLiveSocket({ url: liveSocketUrl(window.location) }));
  useEffect(() => {
    socket.connect();
    return () => socket.close();
  }, [socket]);
  const connection = useSyncExternalStore(socket.onStateChange, socket.getState);
  return { socket, connection };
}
