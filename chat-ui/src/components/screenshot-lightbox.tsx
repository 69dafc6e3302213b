import { useEffect, useRef } from 'react';

export type LightboxImage = {
  src: string;
  /** Describes the step the screenshot was taken after. */
  alt: string;
  /** Page address after the step, when known. */
  url?: string;
  /** Gets focus back when the lightbox closes (Safari does not focus buttons on click). */
  opener: HTMLElement | null;
};

/** A screenshot at full size in a modal <dialog>: Esc, the close button or a click outside closes it. */
export function ScreenshotLightbox({ image, onClose }: { image: LightboxImage; onClose(): void }) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
    // React's autoFocus sets no attribute, so showModal() would pick the first focusable element itself.
    closeRef.current?.focus();
  }, []);

  function handleClose() {
    image.opener?.focus();
    onClose();
  }

  return (
    <dialog
      ref={dialogRef}
      className="lightbox"
      aria-label={image.alt}
      onClose={handleClose}
      // The backdrop belongs to the dialog element itself; its content never has it as target.
      onClick={(event) => {
        if (event.target === event.currentTarget) event.currentTarget.close();
      }}
    >
      <button type="button" ref={closeRef} className="lightbox-close" onClick={() => dialogRef.current?.close()}>
        <span aria-hidden="true">×</span>
        <span className="visually-hidden">Close screenshot</span>
      </button>
      <figure className="lightbox-figure">
        <img className="lightbox-image" src={image.src} alt={image.alt} />
        <figcaption className="lightbox-caption">
          <span>{image.alt}</span>
          {image.url && <span className="lightbox-url">{image.url}</span>}
          <a href={image.src} target="_blank" rel="noopener noreferrer">
            Open full size
          </a>
        </figcaption>
      </figure>
    </dialog>
  );
}
