/**
 * Renderer entry: pick the bridge (preload or WebSocket), wrap it in the typed API, create the
 * stores and mount the shell. Contract faults (a bug on one side) become visible notices. A
 * page opened through a rater's link (web mode) mounts that rater's screen alone, with the one
 * store it needs, and asks the server for nothing else. In web mode the connection is watched:
 * a banner says when the server is gone, and once it is back the page reloads what changed.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import RaterApp from './RaterApp.svelte';
import { RaterStore } from './rating/rater.svelte.js';
import { createApi } from './shell/api.js';
import { resolveBridge } from './shell/bridge.js';
import { createStores } from './stores.js';
import { ConnectionStore } from './shell/connection.svelte.js';
import { NoticeStore } from './shell/notices.svelte.js';
import { takePageSession, type PageSession } from './shell/page-session.js';
import './ui/global.css';

const notices = new NoticeStore();
const reportFault = (message: string): void => {
  notices.push(`Internal error: ${message}`);
};
// Web mode only: the desktop app's preload needs no page key.
const page: PageSession = window.eureka ? { key: null, rater: false } : takePageSession(window);
const connection = new ConnectionStore();
const api = createApi(resolveBridge(reportFault, page, (state) => connection.set(state)), reportFault);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

if (page.rater) {
  const rater = new RaterStore(api);
  connection.onReconnect(() => void rater.reload());
  mount(RaterApp, { target, props: { rater, notices, connection } });
} else {
  const stores = createStores(api, notices);
  connection.onReconnect(() => void stores.resync());
  mount(App, { target, props: { stores, connection } });
  void stores.start();
}
