"""The kinds of spreadsheet Tidui imports, as data: fields, types, header synonyms, skip rules.

One ``SourceKind`` per kind id used by the wizard and ``tidui-cli import --source``. Field
names are the canonical names the storage layer uses; each field lists the header texts the
platforms have used for it over their versions, in priority order (when a file has two of
them, e.g. 直播间成交金额 and 直播间用户支付金额, the earlier one is taken and the other is
reported as an unused alternative). Headers are compared after ``headers.normalise_header``
(spaces, BOM, full-width forms, bracket styles and case do not matter), so the synonyms are
written once in their ordinary form.

What counts (decided here, documented for the user guide):
  * Orders whose 订单状态 is closed, cancelled or still unpaid do not count: 交易关闭 /
    已关闭 / 已取消 / 订单关闭 / 等待买家付款 / 待支付 … (see ``NOT_COUNTED_ORDER_STATUSES``).
    A full refund ends as 交易关闭 (淘宝) or 已关闭 (抖店), so it is excluded through the
    order status. An after-sale status such as 退款成功 on an order that was otherwise
    completed does not remove it: GMV is the paid amount, as the platforms' own
    成交金额/支付金额 define it; refunds are a separate figure where a source has one.
  * Rows whose first cell or key cell starts with 合计/总计/汇总/小计/平均/均值 (or
    Total/Sum/Average) are totals, not data, and are skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from core.importers.templates import TEMPLATE_KINDS, TEMPLATES

FieldType = Literal[
    "text",  # free text, "-" is empty
    "int",  # counts; "1.2万" allowed
    "number",  # plain quantities (hours, scores)
    "money",  # float yuan
    "rate_percent_text",  # "3.25%" or a bare 3.25 meaning percent; stored as a fraction
    "rate_decimal",  # 0.0325 (a "%" sign is still honoured); stored as a fraction
    "ratio",  # ROI "2.6" or "2.6:1"
    "date",
    "datetime",
    "month",  # "YYYY-MM"
    "period",  # a day or a month (生意参谋 日/月 exports); a range covering one month is a month
    "duration",  # seconds; bare numbers in ``unit_seconds``
    "bool",  # 是/否
    "order_id",  # text, exact digits
]

Grain = Literal["store-period", "order", "live-session", "record"]


@dataclass(frozen=True)
class FieldSpec:
    """One column Tidui understands in one kind of file."""

    name: str
    type: FieldType
    label_zh: str
    label_en: str
    synonyms: tuple[str, ...]
    required: bool = False  # the file must have this column
    key: bool = False  # every counted row must have a value in it
    # Personal data of third parties (buyers, recipients): read only to pseudonymise or drop.
    personal: bool = False
    unit_seconds: float = 60.0  # for durations given as bare numbers


@dataclass(frozen=True)
class SourceKind:
    """A kind of spreadsheet: its fields and what in it does not count."""

    id: str
    name_zh: str
    name_en: str
    grain: Grain
    fields: tuple[FieldSpec, ...]
    # Groups of fields of which at least one must be present (e.g. a payment or creation time).
    required_any: tuple[tuple[str, ...], ...] = ()
    # A row is the same record as another when these fields are equal.
    unique_key: tuple[str, ...] = ()
    # The field whose value decides whether a row counts, and the values that do not.
    status_field: str | None = None
    not_counted_statuses: frozenset[str] = frozenset()
    # Fields giving the month a row belongs to, first one with a value wins.
    month_from: tuple[str, ...] = ()
    # Headers of the platform's export that Tidui knowingly ignores: they help recognise the
    # kind and are not listed to the user as unknown columns.
    known_ignored: tuple[str, ...] = ()
    # Whether rows are facts of one store (the wizard asks which store).
    store_level: bool = False

    def name(self, lang: str = "zh") -> str:
        """The source's name in ``lang`` (生意参谋店铺整体/交易概况 …)."""
        return self.name_en if lang == "en" else self.name_zh

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def required_fields(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields if spec.required)

    @property
    def key_fields(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.fields if spec.key)


def _f(
    name: str,
    type_: FieldType,
    label_zh: str,
    label_en: str,
    synonyms: list[str],
    **flags: bool | float,
) -> FieldSpec:
    return FieldSpec(name, type_, label_zh, label_en, tuple(synonyms), **flags)  # type: ignore[arg-type]


NOT_COUNTED_ORDER_STATUSES = frozenset(
    {
        "交易关闭", "订单关闭", "已关闭", "关闭", "交易取消", "订单取消", "已取消", "取消",
        "等待买家付款", "买家未付款", "待付款", "待支付", "未付款", "待买家付款",
    }
)  # fmt: skip

# First-cell texts of totals rows (compared after header normalisation, by prefix).
TOTAL_ROW_MARKERS = (
    "合计",
    "总计",
    "汇总",
    "小计",
    "平均",
    "均值",
    "总和",
    "total",
    "sum",
    "average",
    "avg",
)

_STORE_NAME = _f(
    "store_name",
    "text",
    "店铺名称",
    "Store name",
    ["店铺名称", "店铺名", "店铺", "店铺名字", "商家名称"],
)

SYCM_SHOP = SourceKind(
    id="sycm-shop",
    name_zh="生意参谋店铺整体/交易概况",
    name_en="Sycm shop overview (daily or monthly)",
    grain="store-period",
    store_level=True,
    unique_key=("period",),
    fields=(
        _f(
            "period",
            "period",
            "统计日期",
            "Date",
            [
                "统计日期",
                "日期",
                "统计时间",
                "统计周期",
                "时间",
                "月份",
                "统计月份",
                "日期范围",
                "date",
            ],
            required=True,
            key=True,
        ),
        _f(
            "gmv",
            "money",
            "支付金额",
            "GMV (paid amount)",
            ["支付金额", "成交金额", "支付金额(元)", "成交金额(元)", "销售额", "支付总金额", "GMV"],
            required=True,
        ),
        _f("visitors", "int", "访客数", "Visitors", ["访客数", "访客人数", "店铺访客数", "UV"]),
        _f("page_views", "int", "浏览量", "Page views", ["浏览量", "PV", "页面浏览量", "浏览次数"]),
        _f(
            "paid_buyers",
            "int",
            "支付买家数",
            "Paying buyers",
            ["支付买家数", "成交人数", "支付人数", "成交买家数", "支付用户数", "成交用户数"],
        ),
        _f(
            "conversion_rate",
            "rate_percent_text",
            "支付转化率",
            "Conversion rate",
            ["支付转化率", "成交转化率", "转化率", "支付转化率(%)"],
        ),
        _f("avg_order_value", "money", "客单价", "Average order value", ["客单价", "客单价(元)"]),
        _f(
            "paid_orders",
            "int",
            "支付子订单数",
            "Paid orders",
            ["支付子订单数", "支付订单数", "支付父订单数", "成交订单数", "支付件数"],
        ),
        _f("new_visitors", "int", "新访客数", "New visitors", ["新访客数", "新访客"]),
        _f("returning_visitors", "int", "老访客数", "Returning visitors", ["老访客数", "老访客"]),
        _f("new_buyers", "int", "新买家数", "New buyers", ["新买家数", "新客数", "新成交客户数"]),
        _f(
            "returning_buyers",
            "int",
            "老买家数",
            "Returning buyers",
            ["老买家数", "老客数", "回头客数", "老买家人数", "老成交客户数", "复购买家数"],
        ),
        _f(
            "returning_buyer_share",
            "rate_percent_text",
            "老买家数占比",
            "Returning buyer share",
            ["老买家数占比", "老买家占比", "老客占比", "复购率"],
        ),
        _f("bounce_rate", "rate_percent_text", "跳失率", "Bounce rate", ["跳失率"]),
        _f(
            "avg_stay",
            "duration",
            "人均停留时长",
            "Average stay",
            ["人均停留时长(秒)", "人均停留时长", "平均停留时长(秒)", "平均停留时长"],
            unit_seconds=1.0,
        ),
        _f("order_buyers", "int", "下单买家数", "Ordering buyers", ["下单买家数", "下单人数"]),
        _f("order_amount", "money", "下单金额", "Ordered amount", ["下单金额"]),
        _f(
            "order_conversion_rate",
            "rate_percent_text",
            "下单转化率",
            "Order conversion rate",
            ["下单转化率"],
        ),
        _f(
            "refund_amount",
            "money",
            "成功退款金额",
            "Refunded amount",
            ["成功退款金额", "退款金额", "退款成功金额"],
        ),
        _STORE_NAME,
    ),
    known_ignored=(
        "下单-支付转化率",
        "人均浏览量",
        "商品访客数",
        "商品浏览量",
        "加购人数",
        "收藏人数",
    ),
)

TAOBAO_ORDERS = SourceKind(
    id="taobao-orders",
    name_zh="淘宝/天猫订单报表",
    name_en="Taobao/Tmall order report",
    grain="order",
    store_level=True,
    unique_key=("order_id",),
    status_field="status",
    not_counted_statuses=NOT_COUNTED_ORDER_STATUSES,
    month_from=("paid_at", "created_at"),
    required_any=(("paid_at", "created_at"),),
    fields=(
        _f(
            "order_id",
            "order_id",
            "订单编号",
            "Order no.",
            ["订单编号", "订单号", "订单ID", "主订单编号", "父订单编号"],
            required=True,
            key=True,
        ),
        _f(
            "paid_amount",
            "money",
            "买家实际支付金额",
            "Amount paid",
            ["买家实际支付金额", "实付金额", "实际支付金额", "买家实付金额", "买家实付", "支付金额"],
            required=True,
        ),
        _f("total_amount", "money", "总金额", "Order total", ["总金额", "订单金额", "订单总金额"]),
        _f(
            "status",
            "text",
            "订单状态",
            "Order status",
            ["订单状态", "交易状态"],
            required=True,
            key=True,
        ),
        _f(
            "created_at",
            "datetime",
            "订单创建时间",
            "Created at",
            ["订单创建时间", "创建时间", "下单时间"],
        ),
        _f(
            "paid_at",
            "datetime",
            "订单付款时间",
            "Paid at",
            ["订单付款时间", "付款时间", "支付时间", "订单支付时间"],
        ),
        _f("quantity", "int", "宝贝总数量", "Items", ["宝贝总数量", "商品数量", "购买数量", "宝贝数量"]),
        _f(
            "buyer",
            "text",
            "买家会员名",
            "Buyer nickname",
            ["买家会员名", "买家昵称", "买家会员ID", "买家账号"],
            personal=True,
        ),
        _f("refund_amount", "money", "退款金额", "Refunded amount", ["退款金额"]),
        _f("close_reason", "text", "订单关闭原因", "Close reason", ["订单关闭原因", "关闭原因"]),
        _STORE_NAME,
    ),
    known_ignored=(
        "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "返点积分", "买家实际支付积分",
        "买家留言", "收货人姓名", "收货地址", "运送方式", "联系电话", "联系手机", "宝贝标题", "宝贝种类",
        "物流单号", "物流公司", "订单备注", "店铺Id", "卖家服务费", "买家服务费", "发票抬头",
        "是否手机订单", "分阶段订单信息", "特权订金订单id", "是否上传合同照片", "是否上传小票",
        "是否代付", "定金排名", "修改后的sku", "修改后的收货地址", "异常信息", "天猫卡券抵扣",
        "集分宝抵扣", "是否是O2O交易", "新零售交易类型", "新零售导购门店id", "新零售发货门店id",
        "预约门店", "确认收货时间", "打款商家金额", "含应开票给个人的个人红包", "是否信用购",
        "支付单号", "商家备注", "卖家备注", "商品标题",
    ),
)  # fmt: skip

DOUYIN_ORDERS = SourceKind(
    id="douyin-orders",
    name_zh="抖店订单导出",
    name_en="Douyin shop (抖店) order export",
    grain="order",
    store_level=True,
    unique_key=("sub_order_id",),
    status_field="status",
    not_counted_statuses=NOT_COUNTED_ORDER_STATUSES,
    month_from=("paid_at", "created_at"),
    required_any=(("paid_at", "created_at"),),
    fields=(
        _f(
            "order_id",
            "order_id",
            "主订单编号",
            "Order no.",
            ["主订单编号", "订单编号", "订单号", "订单ID", "父订单编号"],
            required=True,
            key=True,
        ),
        _f(
            "sub_order_id",
            "order_id",
            "子订单编号",
            "Sub-order no.",
            ["子订单编号", "子订单号", "子订单ID"],
        ),
        _f(
            "amount",
            "money",
            "订单应付金额",
            "Amount paid",
            # 订单应付金额 is what the buyer pays for the (sub-)order; 商品金额 is the goods'
            # price before discounts and is used only when the export has no payable amount.
            ["订单应付金额", "实付金额", "子订单应付金额", "支付金额", "商品金额", "商品总价"],
            required=True,
        ),
        _f("quantity", "int", "商品数量", "Items", ["商品数量", "购买数量", "数量"]),
        _f(
            "paid_at",
            "datetime",
            "支付完成时间",
            "Paid at",
            ["支付完成时间", "支付时间", "订单支付时间", "付款时间"],
        ),
        _f(
            "created_at",
            "datetime",
            "订单提交时间",
            "Created at",
            ["订单提交时间", "下单时间", "订单创建时间", "创建时间"],
        ),
        _f("status", "text", "订单状态", "Order status", ["订单状态"], required=True, key=True),
        _f("after_sale_status", "text", "售后状态", "After-sale status", ["售后状态"]),
        _f(
            "author_name",
            "text",
            "达人昵称",
            "Creator nickname",
            ["达人昵称", "作者昵称", "带货达人", "达人名称", "作者名称", "主播昵称"],
        ),
        _f("author_id", "text", "达人ID", "Creator ID", ["达人ID", "作者ID", "达人抖音号", "作者抖音号"]),
        _f("traffic_source", "text", "流量来源", "Traffic source", ["流量来源"]),
        _f("traffic_type", "text", "流量类型", "Traffic type", ["流量类型"]),
        _f("traffic_genre", "text", "流量体裁", "Traffic genre", ["流量体裁"]),
        _f("traffic_channel", "text", "流量渠道", "Traffic channel", ["流量渠道"]),
        _f("product_id", "text", "商品ID", "Product ID", ["商品ID", "商品id"]),
        _f("product_name", "text", "选购商品", "Product", ["选购商品", "商品名称", "商品标题"]),
        _f("cancel_reason", "text", "取消原因", "Cancel reason", ["取消原因"]),
        _STORE_NAME,
    ),
    known_ignored=(
        "支付方式", "货号", "商家编码", "订单完成时间", "运费", "优惠总金额", "平台优惠", "商家优惠",
        "达人优惠", "收件人", "收件人手机号", "省", "市", "区", "街道", "详细地址", "买家留言",
        "商家备注", "商品规格", "商品单价", "订单类型", "物流单号", "快递公司", "发货时间",
        "预售类型", "是否安心购", "广告渠道", "APP渠道", "承诺发货时间", "支付优惠", "手续费",
    ),
)  # fmt: skip

DOUYIN_LIVE = SourceKind(
    id="douyin-live",
    name_zh="抖音罗盘直播间列表",
    name_en="Douyin Compass live-session list",
    grain="live-session",
    unique_key=("account_name", "started_at"),
    month_from=("started_at",),
    fields=(
        _f(
            "account_name",
            "text",
            "主播昵称",
            "Account",
            ["主播昵称", "直播间名称", "账号昵称", "抖音昵称", "达人昵称", "账号名称", "主播"],
            required=True,
            key=True,
        ),
        _f(
            "account_id",
            "text",
            "主播抖音号",
            "Douyin ID",
            ["主播抖音号", "抖音号", "账号ID", "主播ID"],
        ),
        _f(
            "started_at",
            "datetime",
            "直播开始时间",
            "Started at",
            ["直播开始时间", "开播时间", "开始时间", "直播时间"],
            required=True,
            key=True,
        ),
        _f(
            "ended_at",
            "datetime",
            "直播结束时间",
            "Ended at",
            ["直播结束时间", "下播时间", "结束时间"],
        ),
        _f(
            "duration",
            "duration",
            "直播时长",
            "Duration",
            ["直播时长(分钟)", "直播时长", "开播时长"],
        ),
        _f(
            "viewers",
            "int",
            "直播间观看人数",
            "Viewers",
            ["直播间观看人数", "观看人数", "累计观看人数", "场观", "看播人数"],
        ),
        _f("exposure", "int", "直播间曝光人数", "Exposure", ["直播间曝光人数", "曝光人数"]),
        _f("views", "int", "直播间观看次数", "Views", ["直播间观看次数", "观看次数"]),
        _f("peak_online", "int", "最高在线人数", "Peak online", ["最高在线人数", "最高在线"]),
        _f("avg_online", "int", "平均在线人数", "Average online", ["平均在线人数", "平均在线"]),
        _f(
            "avg_watch",
            "duration",
            "人均观看时长",
            "Average watch time",
            ["人均观看时长(分钟)", "人均观看时长", "平均观看时长"],
        ),
        _f("comments", "int", "评论次数", "Comments", ["评论次数", "评论数", "评论人数"]),
        _f("likes", "int", "点赞次数", "Likes", ["点赞次数", "点赞数", "点赞人数"]),
        _f(
            "new_followers",
            "int",
            "新增粉丝数",
            "New followers",
            ["新增粉丝数", "涨粉数", "涨粉人数"],
        ),
        _f("product_count", "int", "带货商品数", "Products", ["带货商品数", "商品数"]),
        _f(
            "product_clicks",
            "int",
            "直播间商品点击人数",
            "Product clickers",
            ["直播间商品点击人数", "商品点击人数"],
        ),
        _f(
            "orders",
            "int",
            "直播间成交订单数",
            "Orders",
            ["直播间成交订单数", "成交订单数", "成交件数"],
        ),
        _f(
            "gmv",
            "money",
            "直播间成交金额",
            "GMV",
            ["直播间成交金额", "成交金额", "直播间用户支付金额", "用户支付金额", "GMV"],
        ),
        _f("buyers", "int", "直播间成交人数", "Buyers", ["直播间成交人数", "成交人数"]),
        _f(
            "watch_to_buy_rate",
            "rate_decimal",
            "观看-成交率(人数)",
            "View-to-buy rate",
            ["观看-成交率(人数)", "观看-成交率", "观看成交率", "看播成交转化率"],
        ),
        _f(
            "click_to_buy_rate",
            "rate_decimal",
            "商品点击-成交率(人数)",
            "Click-to-buy rate",
            ["商品点击-成交率(人数)", "商品点击-成交率", "点击成交转化率"],
        ),
        _f("refund_amount", "money", "退款金额", "Refunded", ["直播间退款金额", "退款金额"]),
        _f("net_gmv", "money", "净成交金额", "Net GMV", ["净成交金额"]),
    ),
    known_ignored=("主播头像", "直播间标题", "直播标题", "直播间ID", "直播ID", "直播封面"),
)

# Tidui's own templates (roster, store owners, training, achievements, scores, metric values) are defined
# once, in core/importers/templates.py (core/services/imports/templates.py writes the downloadable
# .xlsx from them and the archive's template import reads their field keys); their import kinds
# are derived from them here.
_TEMPLATE_TYPES: dict[str, FieldType] = {
    "text": "text",
    "choice": "text",
    "date": "date",
    "month": "month",
    "int": "int",
    "number": "number",
    "bool": "bool",
}
# Fields whose values need a richer parser than the template's declared kind.
_TEMPLATE_OVERRIDES: dict[tuple[str, str], FieldType] = {
    ("achievements", "roi"): "ratio",  # "2:1" as well as 2
    ("roster", "salary"): "money",  # "8,000.00" and "¥8000" as well as 8000
}
_TEMPLATE_UNIQUE: dict[str, tuple[str, ...]] = {
    "roster": ("no",),
    "store-owners": ("store", "platform", "no", "start_month"),
    "training": ("no", "course", "start_date"),
    "achievements": ("no", "type", "name", "date"),
    "scores": ("no", "period", "item", "rater"),
    "metrics": ("no", "month", "metric"),
}


def _template_kind(kind_id: str) -> SourceKind:
    template = TEMPLATES[kind_id]
    fields = tuple(
        FieldSpec(
            name=f.key,
            type=_TEMPLATE_OVERRIDES.get((kind_id, f.key), _TEMPLATE_TYPES[f.kind]),
            label_zh=f.header,
            label_en=f.header_en,
            # The template's header first, then its synonyms; the English header and the
            # field key are accepted too, as archive_import accepts them.
            synonyms=tuple(dict.fromkeys((f.header, *f.synonyms, f.header_en, f.key))),
            required=f.required,
            key=f.required,
        )
        for f in template.fields
    )
    return SourceKind(
        id=kind_id,
        name_zh=template.title_zh,
        name_en=template.title_en,
        grain="record",
        fields=fields,
        unique_key=_TEMPLATE_UNIQUE[kind_id],
    )


SOURCE_KINDS: dict[str, SourceKind] = {
    kind.id: kind
    for kind in (
        SYCM_SHOP,
        TAOBAO_ORDERS,
        DOUYIN_LIVE,
        DOUYIN_ORDERS,
        *(_template_kind(k) for k in TEMPLATE_KINDS),
    )
}


def source_kind(kind_id: str) -> SourceKind:
    """The kind with this id; a ``ValidationError`` naming the known ids otherwise."""
    from core.errors import ValidationError

    try:
        return SOURCE_KINDS[kind_id]
    except KeyError:
        raise ValidationError(
            "imports.unknown_source", source=kind_id, known=", ".join(SOURCE_KINDS)
        ) from None
