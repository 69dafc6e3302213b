import { useCallback, useLayoutEffect, useRef } from 'react';
import type { RefObject } from 'react';

/**
 * Keeps the reader's place while older messages load above the thread: the message that was
 * first stays where it was on screen instead of being pushed down by those added before it.
 * Call the returned `remember` when asking for older messages and whenever the reader scrolls
 * while they load; the place is restored once `loading` ends.
 */
export function useReadingPlace(scrollerRef: RefObject<HTMLElement | null>, loading: boolean): () => void {
  const place = useRef<{ element: Element; top: number } | null>(null);

  // A layout effect, so the correction lands before the browser paints the shifted thread.
  useLayoutEffect(() => {
    const saved = place.current;
    const scroller = scrollerRef.current;
    if (loading || !saved || !scroller) return;
    place.current = null;
    scroller.scrollTop += saved.element.getBoundingClientRect().top - saved.top;
  }, [loading, scrollerRef]);

  return useCallback(() => {
    const first = scrollerRef.current?.querySelector('.message');
    place.current = first ? { element: first, top: first.getBoundingClientRect().top } : null;
  }, [scrollerRef]);
}
