import { useState } from 'react';
import { artifactUrl } from '../api-client.ts';
import type { LightboxImage } from './screenshot-lightbox.tsx';

type StepScreenshotProps = {
  artifactId: string;
  alt: string;
  url: string | undefined;
  onOpen(image: LightboxImage): void;
};

/** Thumbnail of the screenshot taken after a step; a button that opens it in the lightbox. */
export function StepScreenshot({ artifactId, alt, url, onOpen }: StepScreenshotProps) {
  const [broken, setBroken] = useState(false);
  const src = artifactUrl(artifactId);
  if (broken) return <p className="step-screenshot-missing">The screenshot could not be loaded.</p>;
  return (
    <button
      type="button"
      className="step-thumb"
      title="Enlarge screenshot"
      onClick={(event) => onOpen({ src, alt, url, opener: event.currentTarget })}
    >
      <img data-testid="step-screenshot" src={src} alt={alt} loading="lazy" decoding="async" onError={() => setBroken(true)} />
    </button>
  );
}
