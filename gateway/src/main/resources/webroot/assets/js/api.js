// Client of OneGate's One API-compatible management API: {success, message, data} envelope, session cookie.
import { signal } from './dom.js';

/** Fires when the API answers 401 (session gone): the app sends the user to the login page. */
export const unauthorized = signal(0);

/**
 * Calls /api. Resolves to the whole envelope ({success, message, data, ...}); never rejects:
 * network and non-JSON failures become {success:false, message}. No custom header: the server decides
 * same-origin from the browser's own Sec-Fetch-Site / Origin headers, as for One API's web UI.
 */
export async function api(method, path, body) {
  const init = {
    method,
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
  };
  if (body !== undefined) init.body = JSON.stringify(body);
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    return { success: false, message: 'network: ' + e.message };
  }
  if (res.status === 401) unauthorized.set(unauthorized.get() + 1);
  const text = await res.text();
  try {
    const json = text ? JSON.parse(text) : {};
    if (typeof json.success !== 'boolean') {
      return { success: res.ok, message: json.message || (res.ok ? '' : 'HTTP ' + res.status), data: json.data ?? json };
    }
    return json;
  } catch (e) {
    return { success: false, message: 'HTTP ' + res.status + (res.ok ? ' (not JSON)' : '') };
  }
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body ?? {});
export const put = (path, body) => api('PUT', path, body ?? {});
export const del = (path) => api('DELETE', path);

/** Builds a query string from the non-empty entries of params. */
export function qs(params) {
  const u = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') u.set(k, v);
  }
  const s = u.toString();
  return s ? '?' + s : '';
}

/** One API pages hold 10 items; a full page means there may be more. */
export const PAGE_SIZE = 10;
