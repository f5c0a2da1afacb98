// The baseline of the optimistic bench in Chromium: a module SharedWorker that posts every
// message straight back on the port it came from.
self.addEventListener('connect', (event) => {
  const port = event.ports[0];
  port.onmessage = ({ data }) => port.postMessage(data);
});
