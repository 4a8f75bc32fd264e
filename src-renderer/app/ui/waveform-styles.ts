/**
 * Eureka's styles for the inside of wavesurfer's shadow root (region handles, labels, the
 * selected clip's outline, a gap clip's hole), applied as a constructed stylesheet.
 *
 * Why constructed: our Content-Security-Policy allows no inline <style> except wavesurfer's own
 * layout sheet (pinned by hash), while constructed stylesheets are outside style-src. Moving the
 * selection outline is then one `replaceSync`, with no DOM writes.
 */

/** Region look; `!important` where wavesurfer sets the same property inline. */
const REGION_RULES = `
  .scroll::-webkit-scrollbar { height: 10px; }
  .scroll::-webkit-scrollbar-thumb { background: #2f3643; border-radius: 6px; border: 2px solid #0d0f13; }
  .scroll::-webkit-scrollbar-track { background: transparent; }
  [part~="region"] { border-radius: 3px !important; transition: none !important; }
  [part~="region-handle"] { width: 7px !important; border-color: rgba(255, 255, 255, 0.35) !important; }
  [part~="region-handle"]:hover { border-color: rgba(255, 255, 255, 0.9) !important; }
  [part~="region-content"] {
    margin: 4px 0 0 6px; padding: 1px 7px !important; border-radius: 999px;
    background: rgba(13, 15, 19, 0.78); color: #e7e9ee;
    font: 600 11px/1.5 system-ui, sans-serif; letter-spacing: 0.02em; pointer-events: none;
  }
  [part*="hole-"] { z-index: 3; border-top: 2px dashed rgba(255, 255, 255, 0.5) !important;
    border-bottom: 2px dashed rgba(255, 255, 255, 0.5) !important; }
  [part*="hole-"] [part~="region-content"] { background: rgba(236, 84, 106, 0.9); color: #fff; }
`;

/** The stylesheet text with `selectedRegionId` (a region's id, e.g. "clip-12") outlined. */
export function waveformCss(selectedRegionId: string | null): string {
  const selected =
    selectedRegionId === null
      ? ''
      : `[part~="${CSS.escape(selectedRegionId)}"] {
          box-shadow: inset 0 0 0 1.5px rgba(255, 255, 255, 0.7), 0 0 0 1px rgba(0, 0, 0, 0.4);
          z-index: 2;
        }`;
  return REGION_RULES + selected;
}

/**
 * Adopts a constructed stylesheet into the shadow root that holds `element` (wavesurfer's
 * wrapper). Returns the sheet so callers can `replaceSync` it later, or null when the element
 * is not in a shadow root.
 */
export function adoptWaveformSheet(element: Element, css: string): CSSStyleSheet | null {
  const root = element.getRootNode();
  if (!(root instanceof ShadowRoot)) return null;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  return sheet;
}
