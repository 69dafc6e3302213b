/**
 * Version of every WebSocket protocol in this folder. Both sides send it in their
 * first frame; a peer speaking another version is refused with `unsupported-protocol-version`.
 * Bump it on any change that an older peer could misread.
 */
export const PROTOCOL_VERSION = 4;
