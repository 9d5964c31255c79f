// The offline page tries again by itself when the connection returns: on the
// `online` event, and by asking the server every few seconds, because the event
// may have fired before this script ran (the page comes up while the signal is
// already back) and a phone may say "online" while nothing answers. It reloads
// only once the server answers, so a server that is down causes no reload loop.
async function tryAgain() {
  try {
    const answer = await fetch('/healthz', { cache: 'no-store' });
    if (answer.ok) location.reload();
  } catch (e) {
    // Still no connection: the next check or the `online` event tries again.
  }
}
addEventListener('online', tryAgain);
setInterval(tryAgain, 5000);
