"""The environment dimension's pure domain core (环保): no I/O, no clock, no database.

- `catalogue`: Table 2 and section 二（二） as versioned data (`table2.json` is version 1).
- `limits`: the limits catalogue's rows, cited figures and the ones awaiting mee.
- `equipment_rules`: Table 2's equipment kinds, parameters and conditions as data.
- `amendment`: mee's amendments, each making the next catalogue version.
- `measurement`: a measured concentration against its limit.
- `equipment`: an item of equipment judged against Table 2 (淘汰, 取缔, 清洁能源改造).
- `survey`: the surveyed item, tracked until a conversion is done.
- `lists`: the key-supervision and daily-patrol lists (重点监管执法企业清单, 日常巡查动态企业清单).
- `permits`: pollutant-discharge permits (排污许可证) and their validity.
- `monitoring`: online monitoring (污染源自动监控) of an enterprise.
- `violation`: the ground of a case, with the rule that decided it.
- `lifecycle`: the case's states and moves, in one table.
- `case`: the environment case, from the violation to rectification or closure (责令停业、关闭).
- `closure`: the measures, the closure proposal, the government's answer, the order, 回头看.
- `aggregate`: what the aggregates share: statements, acts in date order, later findings.
"""
