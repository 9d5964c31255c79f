// The offline page tries again by itself when the connection returns.
addEventListener('online', () => location.reload());
