"""The quality dimension's pure domain (质量): no I/O.

- `catalogue`: Table 3 of the plan and its quality measures as versioned data (`table3.json`).
- `applicability`: whether the Product Quality Law reaches an industry, or the refusal saying why.
- `licence`: the production licence (生产许可证): recorded, revoked (吊销), cancelled (注销).
- `spot_check`: the supervisory spot check (监督抽查) of a product against its standard.
- `case`: the spot-check case (停止生产并限期整改 → 复查 → 吊销相关证照), with its deadline.
- `unlicensed`: the unlicensed-production case (无证违法生产).
- `cancellation`: the request to the issuing authority to cancel a licence (提请注销).
- `aggregate`: what the aggregates accept: statements and licence numbers.
"""
