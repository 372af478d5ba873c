"""The technology dimension's pure domain (技术 / 工艺装备): no I/O.

- `catalogue`: Table 5 of the plan as versioned data (`table5.json`) and its schema.
- `equipment`: an item `{"kind": …, …}` read strictly against its kind's parameters.
- `evaluate`: the verdict on an item, naming the rule and the reading that decided.
- `case`: the elimination case (发现一起、淘汰一起) from opening to on-site acceptance.
- `tips`: tips from the 地条钢 reporting hotline (举报) and their checks.
- `market_access`: drc's check that a proposed project adds no backward capacity.
- `aggregate`: what cases and tips share: their pending events and the facts they accept.
"""
