"""The safety dimension's pure domain (安全): no I/O.

- `catalogue`: Table 4 and 二（四） of the plan as versioned data (`table4.json`): the rules,
  the kinds of finding and the outcome of each, the five parts of the 五落实.
- `listing`: the ledger (台账) entry of an enterprise, on the key-supervision list
  (重点监管企业清单) or the dynamic daily-patrol list (日常巡查动态企业清单).
- `inspection`: a safety inspection, its findings judged by the catalogue.
- `hazard`: a hidden hazard's rectification (隐患排查治理) until its 五落实 are in place and it
  is rectified.
- `case`: the enforcement case, from the suspension for rectification (停产停业整顿) to the
  closure (关闭) and the revocation of the licences (吊销相关证照).
- `acts`: what a case records: the suspension order, re-inspections, the government's decisions.
- `aggregate`: what they share: statements refused when blank, acts refused when out of order.
"""
