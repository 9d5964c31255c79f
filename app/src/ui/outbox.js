// The phone's outbox of reports (IndexedDB): what was filled in without a
// connection, with its photos, until the server has it. Used from ui/outbox.rs.
// Each draft: { key, owner, json, files: [File], state, reason, caseId, savedAt }.
// `key` is the report's idempotency key: sending it twice makes one case.
const DB = 'gridlink';
const STORE = 'outbox';

function open() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function run(mode, work) {
  const db = await open();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && 'result' in result ? result.result : undefined);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function outboxPut(key, owner, json, files) {
  await run('readwrite', (s) => s.put({
    key, owner, json, files: Array.from(files || []), state: 'queued', reason: '', caseId: 0, savedAt: Date.now(),
  }));
}

// The drafts of one person, oldest first, without their photos' bytes.
export async function outboxList(owner) {
  const all = (await run('readonly', (s) => s.getAll())) || [];
  return all
    .filter((d) => d.owner === owner)
    .sort((a, b) => a.savedAt - b.savedAt)
    .map((d) => ({ key: d.key, json: d.json, state: d.state, reason: d.reason, caseId: d.caseId, photos: d.files.length }));
}

// How many of one person's drafts still wait to be sent (refused ones wait for
// the person, not the network). Counted here so a page with nothing waiting
// needs none of the outbox's Rust code.
export async function outboxWaiting(owner) {
  const all = (await run('readonly', (s) => s.getAll())) || [];
  return all.filter((d) => d.owner === owner && d.state !== 'refused').length;
}

export async function outboxFiles(key) {
  const draft = await run('readonly', (s) => s.get(key));
  return draft ? draft.files : [];
}

// Changes one draft in place (nothing when it is gone).
async function update(key, change) {
  const db = await open();
  try {
    await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      const store = tx.objectStore(STORE);
      const req = store.get(key);
      req.onsuccess = () => {
        if (req.result) store.put({ ...req.result, ...change(req.result) });
      };
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function outboxMark(key, state, reason, caseId) {
  await update(key, (d) => ({ state, reason, caseId: caseId || d.caseId }));
}

// After a photo has reached the server: the next attempt sends only the rest.
export async function outboxDropFirstFile(key) {
  await update(key, (d) => ({ files: d.files.slice(1) }));
}

export async function outboxDelete(key) {
  await run('readwrite', (s) => s.delete(key));
}

// One outbox pass at a time across the phone's tabs (Web Locks): resolves to a
// function that releases the lock, or null while another pass holds it.
// Browsers without Web Locks get a no-op (the tab's own guard still holds).
export function outboxLock() {
  if (!navigator.locks) return Promise.resolve(() => {});
  return new Promise((resolve) => {
    navigator.locks.request('gridlink-outbox', { ifAvailable: true }, (lock) => {
      if (!lock) { resolve(null); return undefined; }
      // Held until the pass calls the function it was given.
      return new Promise((release) => resolve(release));
    }).catch(() => resolve(null));
  });
}

export function isOnline() {
  return navigator.onLine;
}
