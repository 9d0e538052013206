"""Self-contained HTML pieces: escaped tables, PNGs embedded as base64, one inline style sheet.
No scripts, fonts or links that would need the network."""

import base64
import html

STYLE = """
body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1300px; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 1.5em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0; }
th, td { border: 1px solid #ccc; padding: 0.2em 0.5em; text-align: right; vertical-align: top; }
th { background: #eee; } td.text { text-align: left; }
tr.bad td { background: #fde8e8; }
img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
.note { color: #555; font-size: 0.9em; }
"""


def esc(value):
    return html.escape("" if value is None else str(value))


def page(title, body):
    return (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>{STYLE}</style></head>\n"
            f"<body>\n<h1>{esc(title)}</h1>\n{body}\n</body></html>\n")


def image(path, alt):
    with open(path, "rb") as f:
        data = base64.b64encode(f.read()).decode("ascii")
    return f'<img alt="{esc(alt)}" src="data:image/png;base64,{data}">'


def key_values(pairs):
    rows = "".join(f'<tr><th>{esc(k)}</th><td class="text">{esc(v)}</td></tr>' for k, v in pairs)
    return f"<table>{rows}</table>"


def table(columns, rows, text_columns=(), bad=lambda row: False):
    head = "".join(f"<th>{esc(c)}</th>" for c in columns)
    body = []
    for r in rows:
        cells = "".join(f'<td{" class=text" if c in text_columns else ""}>{esc(r.get(c))}</td>'
                        for c in columns)
        body.append(f'<tr{" class=bad" if bad(r) else ""}>{cells}</tr>')
    return f"<table><tr>{head}</tr>{''.join(body)}</table>"
