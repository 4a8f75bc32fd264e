/**
 * The Content-Security-Policy both hosts enforce: web mode sends it as a header, the Electron
 * window gets it from a session header hook and index.html carries it as a meta tag.
 * Only our own scripts run; media comes from our own origin (or the app's media protocol).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // wavesurfer.js and Svelte transitions set style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob: eureka-media:",
  "connect-src 'self' eureka-media:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
