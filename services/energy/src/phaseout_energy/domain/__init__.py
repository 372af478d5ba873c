"""The energy dimension's pure domain core (工业能耗): no I/O, no clock, no database.

- `catalogue`: Table 1 as versioned data (`limits.json` is version 1).
- `amendment`: the agency's amendments, each making the next catalogue version.
- `assess`: a measured consumption against its limit.
- `inspection`: an energy inspection, the event recording it, how it is kept, and an
  over-limit finding.
- `deadline`: the rectification deadline and its one extension.
- `case`: the energy case, from an over-limit inspection to rectification or exit.
- `inspection_list`: the year's list of enterprises to inspect (节能监察执法企业清单).
- `pricing`: differential electricity and progressive water pricing measures.
"""
