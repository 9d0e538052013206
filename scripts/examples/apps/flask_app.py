"""The seeds' Flask app: GET / says hello, GET /api/v2/<msisdn> is the third seed's JSON status
route, GET /big is the second seed's 120 KB JSON body ("Hello world!" x 10000).

  python3 flask_app.py PORT      Flask's development server (the first and fifth seeds)
  gunicorn flask_app:app         or uvicorn --interface wsgi flask_app:app
"""

import sys

from flask import Flask, jsonify

app = Flask(__name__)
BIG = "Hello world!" * 10000


@app.route("/")
def hello():
    return "Hello, world!"


@app.route("/api/v2/<msisdn>")
def status(msisdn):
    return jsonify({"msisdn": msisdn, "status": "ok"})


@app.route("/big")
def big():
    return {"result": BIG}


if __name__ == "__main__":
    # Loopback only; threaded, as Flask's development server runs by default since 1.0.
    app.run(host="127.0.0.1", port=int(sys.argv[1]), debug=False, threaded=True)
