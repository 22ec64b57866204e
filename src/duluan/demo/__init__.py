"""The demo: a clearly labelled SYNTHETIC data set loaded through the real pipeline
(`duluan demo`); see docs/demo.md.

Everything the demo stores is marked: its sources' names start with `LABEL`, its accounts'
names with `demo-`, and the pages show a "synthetic data" strip while such sources exist.
"""

LABEL = "[Mô phỏng]"
