// A Node.js back end using `keymsg serve` with the built-in fetch (Node 18+).
//
//   keymsg serve --listen 127.0.0.1:8080 --store ./store --agency "PEA Smart Plus" &
//   node examples/node/client.mjs http://127.0.0.1:8080 [TOKEN]
//
// Asks for a pop-up for a user; if a frequency cap says "not now" (204),
// shows nothing; else shows it and reports the impression, with an
// idempotency key so that a retry after a timeout counts once.

const base = process.argv[2] ?? "http://127.0.0.1:8080";
const token = process.argv[3];
const headers = token ? { Authorization: `Bearer ${token}` } : {};

async function call(path, init = {}) {
  const res = await fetch(base + path, { ...init, headers: { ...headers, ...init.headers } });
  if (res.status >= 400) {
    const { error } = await res.json();
    throw new Error(`${path}: ${res.status} ${error.code} (${error.field ?? "-"}): ${error.message}`);
  }
  return res;
}

const subject = "node-user-42";
const res = await call(`/v1/popup?key=${encodeURIComponent(subject)}&lang=th`);
if (res.status === 204) {
  console.log(`no pop-up for ${subject} now; retry after ${res.headers.get("retry-after")} s`);
} else {
  const popup = await res.json();
  console.log(`${popup.title}\n${popup.text}`);
  // ... the app displayed it; count it:
  const body = {
    impressions: [{
      token: popup.token,
      key: subject,
      surface: "popup",
      idempotency_key: `${subject}-${popup.message_id}-${Date.now()}`,
      kind: "node-example",
    }],
  };
  const counted = await (await call("/v1/impressions", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  })).json();
  if (counted.results[0].status !== "counted") {
    throw new Error(`impression not counted: ${JSON.stringify(counted)}`);
  }
  console.log(`counted: ${counted.counted}`);
}

// A receipt footer for a document, counted at selection.
const footer = await (await call("/v1/footer?key=INV-node-1&profile=receipt-58mm")).json();
console.log(footer.lines.join("\n"));
if (!footer.counted) throw new Error("footer not counted");

// Bad input is a 4xx JSON error naming the field.
const bad = await fetch(`${base}/v1/footer?width=x`, { headers });
const err = (await bad.json()).error;
if (bad.status !== 400 || err.field !== "width") throw new Error(`bad width: ${bad.status} ${JSON.stringify(err)}`);
console.log("node client: ok");
