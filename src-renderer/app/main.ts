/**
 * Renderer entry: pick the bridge (preload or WebSocket), wrap it in the typed API, create the
 * stores and mount the shell. Contract faults (a bug on one side) become visible notices.
 */
import { mount } from 'svelte';
import App from './App.svelte';
import { createApi } from './lib/api.js';
import { resolveBridge } from './lib/bridge.js';
import { createStores } from './stores/index.js';
import { NoticeStore } from './stores/notices.svelte.js';
import './styles/global.css';

const notices = new NoticeStore();
const reportFault = (message: string): void => {
  notices.push(`Internal error: ${message}`);
};
const api = createApi(resolveBridge(reportFault), reportFault);
const stores = createStores(api, notices);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

mount(App, { target, props: { stores } });
void stores.start();
