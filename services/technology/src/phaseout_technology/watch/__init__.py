"""The revival watch (用电、税票大数据监管): electricity and tax-invoice feeds, rules as data, and
the alerts they raise, which the agencies check on site. See docs/architecture.md."""
