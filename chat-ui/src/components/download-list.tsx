import type { DownloadView } from '../../../protocol/index.ts';
import { artifactUrl } from '../api-client.ts';
import { formatBytes } from '../format-bytes.ts';

/** The files the page downloaded during a step, each a link to the copy skipper kept. */
export function DownloadList({ downloads }: { downloads: readonly DownloadView[] }) {
  return (
    <figure className="step-output" data-testid="step-downloads">
      <figcaption>{downloads.length === 1 ? 'Downloaded a file' : `Downloaded ${downloads.length} files`}</figcaption>
      <ul className="download-list">
        {downloads.map((download) => (
          <li key={download.artifactId}>
            <a href={artifactUrl(download.artifactId)} download={download.fileName}>
              {download.fileName}
            </a>{' '}
            <span className="download-size">{formatBytes(download.bytes)}</span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
