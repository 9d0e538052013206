// The seeds' routes on Express (the second seed): node express_app.js PORT, with NODE_PATH
// pointing at the node_modules that scripts/examples/setup.sh filled.
const express = require("express");

const app = express();
const big = "Hello world!".repeat(10000);
app.get("/", (req, res) => res.type("text/plain").send("Hello, world!"));
app.get("/api/v2/:msisdn", (req, res) => res.json({ msisdn: req.params.msisdn, status: "ok" }));
app.get("/big", (req, res) => res.json({ result: big }));
app.listen(Number(process.argv[2]), "127.0.0.1");
