import { asSchema, readUIMessageStream, uiMessageChunkSchema } from 'ai';
import type { UIMessage, UIMessageChunk } from 'ai';

/** Builds one reply from its chunks, in the order pushed. */
export type ReplyBuilder = {
  push(chunk: unknown): void;
  /** Stops building: `onUpdate` is not called again. */
  close(): void;
};

const chunkSchema = asSchema(uiMessageChunkSchema);

/**
 * Validates each chunk with the AI SDK's schema and builds the message with `readUIMessageStream`,
 * calling `onUpdate` with the message as it is after each chunk. Validation is asynchronous;
 * the chunks go through one stream, so they are still applied in the order pushed.
 */
export function createReplyBuilder(onUpdate: (message: UIMessage) => void): ReplyBuilder {
  let input!: ReadableStreamDefaultController<unknown>;
  let closed = false;
  const chunks = new ReadableStream<unknown>({ start: (controller) => void (input = controller) }).pipeThrough(
    new TransformStream<unknown, UIMessageChunk>({
      async transform(value, output) {
        const chunk = await parseChunk(value);
        // An `error` chunk says the model failed; the stored message that follows shows why, so it is not built (nor logged).
        if (chunk && chunk.type !== 'error') output.enqueue(chunk);
      },
    }),
  );

  (async () => {
    const messages = readUIMessageStream<UIMessage>({
      stream: chunks,
      onError: (error) => console.warn('a reply chunk could not be applied', error),
    });
    for await (const message of messages) {
      if (closed) break;
      onUpdate(message);
    }
  })().catch((error: unknown) => console.warn('a reply could not be built from its chunks', error));

  return {
    push(chunk) {
      if (!closed) input.enqueue(chunk);
    },
    close() {
      if (closed) return;
      closed = true;
      input.close();
    },
  };
}

async function parseChunk(value: unknown): Promise<UIMessageChunk | undefined> {
  // The AI SDK's schemas are zod schemas, which always validate.
  const result = await chunkSchema.validate?.(value);
  if (result?.success) return result.value;
  console.warn('ignored a reply chunk that is not a UI message chunk', result?.error);
  return undefined;
}
