"""The reasons of 4xx answers in the caller's language (`Accept-Language`: zh or en).

The services raise their reasons in English, naming codes (`agency mee may not do this in the
quality dimension (only samr)`). An answer to a caller who prefers Chinese gives the same reason
in Chinese, every code named (`市生态环境局无权在质量领域办理此事（仅限市市场监管局）`); an
English answer names codes by their English names too, and a caller without an agency (a
district government) is named as such, never as `agency None`. A reason no pattern knows is
given as raised, in English; `field` and `rule` never change.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

from phaseout_shared.reference import name_of

Language = Literal["zh", "en"]


def language(accept: str | None) -> Language:
    """The caller's language from an `Accept-Language` header: the first of zh or en by weight."""
    best: tuple[float, Language] | None = None
    for part in (accept or "").split(","):
        tag, _, params = part.strip().partition(";")
        lang = tag.strip().lower()[:2]
        if lang not in ("zh", "en"):
            continue
        weight = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                weight = float(match.group(1))
            except ValueError:
                weight = 0.0
        if best is None or weight > best[0]:
            best = (weight, "zh" if lang == "zh" else "en")
    return best[1] if best else "en"


def _who(agency: str, lang: Language) -> str:
    if agency in ("None", "none", ""):
        return "区政府（不属任何部门）" if lang == "zh" else "a government without an agency"
    return name_of(agency, lang) if lang == "zh" else f"the {name_of(agency, lang)}"


def _names(codes: str, lang: Language) -> str:
    parts = [c.strip() for c in codes.split(",") if c.strip()]
    named = [name_of(c, lang) if c != "no agency" else _nobody(lang) for c in parts]
    return ("、" if lang == "zh" else ", ").join(named)


def _nobody(lang: Language) -> str:
    return "无" if lang == "zh" else "no agency"


def _place(code: str, lang: Language) -> str:
    if code == "a city-wide record":
        return "市级记录" if lang == "zh" else "a city-wide record"
    return name_of(code, lang)


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:g} MB"


def _media(media_type: str) -> str:
    names = {
        "image/jpeg": "JPEG",
        "image/png": "PNG",
        "image/webp": "WebP",
        "application/pdf": "PDF",
    }
    return names.get(media_type, media_type)


Render = Callable[[re.Match[str], Language], str]

PATTERNS: list[tuple[re.Pattern[str], Render]] = [
    (
        re.compile(r"agency (\S+) may not do this in the (\w+) dimension \(only (.*)\)"),
        lambda m, lang: (
            f"{_who(m[1], lang)}无权在{name_of(m[2], lang)}领域办理此事（仅限{_names(m[3], lang)}）"
            if lang == "zh"
            else f"{_who(m[1], lang)} may not do this in the {name_of(m[2], lang)} dimension "
            f"(only {_names(m[3], lang)})"
        ),
    ),
    (
        re.compile(r"agency (\S+) reads nothing in the (\w+) dimension"),
        lambda m, lang: (
            f"{_who(m[1], lang)}不能查看{name_of(m[2], lang)}领域的记录"
            if lang == "zh"
            else f"{_who(m[1], lang)} reads nothing in the {name_of(m[2], lang)} dimension"
        ),
    ),
    (
        re.compile(r"an officer of (\w+) cannot act in (\w+)"),
        lambda m, lang: (
            f"{name_of(m[1], lang)}的人员不能在{name_of(m[2], lang)}办理"
            if lang == "zh"
            else f"an officer of {name_of(m[1], lang)} cannot act in {name_of(m[2], lang)}"
        ),
    ),
    (
        re.compile(r"an officer of (\w+) cannot read (.+)"),
        lambda m, lang: (
            f"{name_of(m[1], lang)}的人员不能查看{_place(m[2], lang)}的记录"
            if lang == "zh"
            else f"an officer of {name_of(m[1], lang)} cannot read {_place(m[2], lang)}"
        ),
    ),
    (
        re.compile(r"(\S+) is outside the caller's jurisdiction"),
        lambda m, lang: (
            f"{name_of(m[1], lang)}不在您的管辖范围内"
            if lang == "zh"
            else f"{name_of(m[1], lang)} is outside your jurisdiction"
        ),
    ),
    (
        re.compile(r"the (\w+) dimension is not the caller's"),
        lambda m, lang: (
            f"{name_of(m[1], lang)}领域不在您的职责范围内"
            if lang == "zh"
            else f"the {name_of(m[1], lang)} dimension is not yours"
        ),
    ),
    (
        re.compile(r"no agency had registered (\S+) by (\S+)"),
        lambda m, lang: (
            f"截至 {m[2]}，没有部门登记过统一社会信用代码为 {m[1]} 的企业" if lang == "zh" else m[0]
        ),
    ),
    (
        re.compile(r"no enterprise (\S+) on this register"),
        lambda m, lang: f"本部门清单上没有企业 {m[1]}" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"a referral is read by its sender, its receiver, the city bureau and its "),
        lambda m, lang: (
            "部门间移送仅移送方、承办单位、市工业和信息化局及所在区政府可以查看"
            if lang == "zh"
            else "a referral is read by its sender, its receiver, the city bureau and its "
            "district's government only"
        ),
    ),
    (
        re.compile(r"conflicts between registers are read city-wide only"),
        lambda m, lang: "各部门登记不一致的企业仅限市级查看" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"writing needs the officer role"),
        lambda m, lang: "办理需要经办人员身份（只读身份不能办理）" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"submitting needs the officer role"),
        lambda m, lang: "报送需要经办人员身份" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"only the city bureau's officers set the oversight rule"),
        lambda m, lang: "只有市工业和信息化局的经办人员可以设置督办规则" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"(\S+) owes no (\w+) report"),
        lambda m, lang: f"{name_of(m[1], lang)}无需报送该报告" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"(\S+)'s reports are sent by its city officers"),
        lambda m, lang: (
            f"{name_of(m[1], lang)}的报告由其市级经办人员报送" if lang == "zh" else m[0]
        ),
    ),
    (
        re.compile(r"the (file|body) is over the limit of (\d+) bytes"),
        lambda m, lang: (
            f"{'文件' if m[1] == 'file' else '请求内容'}超过大小上限"
            f"（{_megabytes(int(m[2]))}，{int(m[2]):,} 字节），未予保存"
            if lang == "zh"
            else m[0]
        ),
    ),
    (
        re.compile(r"(.+) is not accepted: send (.+)"),
        lambda m, lang: (
            f"不接受此类型的文件（{'未注明类型' if m[1] == 'no type' else m[1]}），"
            "仅接受 JPEG、PNG、WebP 图片和 PDF 文件"
            if lang == "zh"
            else m[0]
        ),
    ),
    (
        re.compile(r"the bytes sent are not a (\S+) file"),
        lambda m, lang: (
            f"文件内容与其类型不符（不是 {_media(m[1])} 文件），未予保存" if lang == "zh" else m[0]
        ),
    ),
    (
        re.compile(r"the scanner refused the file: (.*)", re.S),
        lambda m, lang: f"病毒扫描未通过，文件未予保存：{m[1]}" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"the body is empty: send the file's bytes"),
        lambda m, lang: "文件为空，请选择有内容的文件" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"a bearer token is required"),
        lambda m, lang: "请先登录（缺少访问令牌）" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"invalid token.*", re.S),
        lambda m, lang: "访问令牌无效或已过期，请重新登录" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"Field required"),
        lambda m, lang: "必须填写" if lang == "zh" else m[0],
    ),
    (
        re.compile(r"Input should be .*", re.S),
        lambda m, lang: f"取值无效：{m[0]}" if lang == "zh" else m[0],
    ),
]


def localise(reason: str | None, lang: Language) -> str | None:
    """The reason in `lang` (Chinese or English), codes named; as raised if no pattern knows it."""
    if reason is None:
        return None
    for pattern, render in PATTERNS:
        match = pattern.fullmatch(reason) or (
            pattern.match(reason) if pattern.pattern.endswith(" ") else None
        )
        if match:
            return render(match, lang)
    return reason
