"""Generates large, realistic order exports (抖店 .xlsx, 淘宝 GBK .csv) for the import benchmarks.

The files imitate the platforms' real layouts and quirks (the same ones as the samples in
the platform samples copied into tests/data): ="…" wrapped order numbers, a leading ' on phone numbers, trailing
spaces in headers, "-" for "none", closed orders, sub-orders sharing a main order number.
Generation is deterministic for a given seed, and files are cached by name, because writing a
100,000-row workbook with openpyxl takes longer than reading it.

    python -m bench.gen_orders --rows 100000 --out /tmp/tidui-bench
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import tempfile
from pathlib import Path

DOUYIN_HEADERS = [
    "主订单编号", "子订单编号", "支付方式", "选购商品", "货号", "商品ID", "商家编码", "商品数量",
    "商品金额", "订单提交时间", "支付完成时间", "订单完成时间", "订单状态", "取消原因", "售后状态",
    "订单应付金额", "运费", "优惠总金额", "平台优惠", "商家优惠", "达人优惠", "收件人", "收件人手机号",
    "省", "市", "达人ID", "达人昵称", "流量来源", "流量类型", "流量体裁", "流量渠道",
]  # fmt: skip

TAOBAO_HEADERS = [
    "订单编号", "买家会员名", "买家支付宝账号", "买家应付货款", "买家应付邮费", "买家支付积分", "总金额",
    "返点积分", "买家实际支付金额", "买家实际支付积分", "订单状态", "买家留言", "收货人姓名",
    "收货地址 ", "运送方式", "联系电话 ", "联系手机", "订单创建时间", "订单付款时间 ", "宝贝标题 ",
    "宝贝种类 ", "物流单号 ", "物流公司", "订单备注", "宝贝总数量", "店铺Id", "店铺名称",
    "订单关闭原因", "卖家服务费", "买家服务费", "发票抬头", "是否手机订单",
]  # fmt: skip

_PRODUCTS = ["悦颜 氨基酸洁面乳 120g", "悦颜 水光精华液 30ml", "悦颜 防晒霜 SPF50 50ml"]
_NAMES = ["王芳", "李娜", "赵磊", "陈静", "刘洋", "孙悦", "周杰", "吴昊", "林晓", "马超"]
_MONTH_START = dt.datetime(2024, 6, 1)


def _moment(rng: random.Random, start: dt.datetime = _MONTH_START) -> dt.datetime:
    return start + dt.timedelta(
        seconds=rng.randrange(28 * 86400 if start.month == 2 else 30 * 86400)
    )


def douyin_rows(n: int, seed: int = 7) -> list[list[str]]:
    """``n`` sub-order rows of a 抖店 order export, one to three sub-orders per main order."""
    rng = random.Random(seed)
    rows: list[list[str]] = []
    while len(rows) < n:
        main = rng.randrange(6_000_000_000_000_000_000, 6_999_999_999_999_999_000)
        paid = _moment(rng)
        status = rng.choices(["已完成", "已发货", "已关闭", "待发货"], [70, 15, 6, 9])[0]
        author = rng.choice(["悦颜小美", "悦颜大师兄", "-"])
        for sub in range(1, rng.randint(1, 3) + 1):
            qty = rng.randint(1, 3)
            amount = f"{qty * rng.choice([89, 129, 199, 258]):.2f}"
            done = (paid + dt.timedelta(days=5)).strftime("%Y/%m/%d %H:%M:%S")
            rows.append(
                [
                    str(main), str(main + sub), "支付宝", rng.choice(_PRODUCTS),
                    f"YY-{rng.randrange(1000)}", str(rng.randrange(3 * 10**18, 4 * 10**18)), "",
                    str(qty), amount, paid.strftime("%Y/%m/%d %H:%M:%S"),
                    paid.strftime("%Y/%m/%d %H:%M:%S"), done if status == "已完成" else "", status,
                    "用户取消" if status == "已关闭" else "-",
                    rng.choice(["-", "-", "售后完成"]), amount, "0", "0", "0", "0", "0",
                    rng.choice(_NAMES), "1**********", "广东省", "广州市",
                    str(rng.randrange(10**9, 10**10)) if author != "-" else "-", author,
                    rng.choice(["直播", "商品卡", "短视频"]), rng.choice(["自然流量", "付费流量"]),
                    rng.choice(["直播", "短视频", "数据将于第二天更新"]), "抖音",
                ]
            )  # fmt: skip
    return rows[:n]


def taobao_rows(
    n: int,
    seed: int = 11,
    *,
    month_start: dt.datetime = _MONTH_START,
    store: str = "悦颜美妆专营店",
    buyers: int | None = None,
) -> list[list[str]]:
    """``n`` rows of a 淘宝 order report (one row per order), with the report's text quirks.

    ``month_start`` is the month the orders were created in, ``store`` the shop named in every
    row, ``buyers`` the size of the shop's pool of buyers (None: practically all different), so
    a history of months has returning buyers as a real shop does.
    """
    rng = random.Random(seed)
    rows: list[list[str]] = []

    def buyer(rng: random.Random) -> str:
        return f"tb{rng.randrange(10**8 if buyers is None else buyers)}"

    for _ in range(n):
        created = _moment(rng, month_start)
        status = rng.choices(
            ["交易成功", "卖家已发货，等待买家确认", "交易关闭", "买家已付款，等待卖家发货"],
            [70, 19, 6, 5],
        )[0]
        paid = (
            ""
            if status == "交易关闭" and rng.random() < 0.5
            else str(created + dt.timedelta(minutes=rng.randint(1, 30)))
        )
        amount = f"{rng.uniform(30, 2000):.2f}"
        rows.append(
            [
                f'="{rng.randrange(10**18, 10**19)}"', buyer(rng), "", amount,
                "0.00", "0", amount, "0", amount if paid else "0.00", "0", status, "",
                rng.choice(_NAMES), "浙江省 杭州市 余杭区 某街道", "快递", "",
                f"'1{rng.randrange(3 * 10**9, 9 * 10**9)}", str(created), paid,
                rng.choice(_PRODUCTS), "1", "", "", "", str(rng.randint(1, 3)), "",
                store, "", "0", "0", "", "手机订单",
            ]
        )  # fmt: skip
    return rows


def write_douyin_xlsx(path: Path, n: int) -> Path:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("订单")
    ws.append(DOUYIN_HEADERS)
    for row in douyin_rows(n):
        ws.append(row)
    wb.save(path)
    return path


def write_taobao_csv(path: Path, n: int, **variant: object) -> Path:
    """The 淘宝 report of ``n`` rows; ``variant``: taobao_rows' seed, month_start, store, buyers."""
    # gb18030 is what the 淘宝 back-end writes (GBK superset); \r\n as in the real export.
    with path.open("w", encoding="gb18030", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(TAOBAO_HEADERS)
        writer.writerows(taobao_rows(n, **variant))  # type: ignore[arg-type]
    return path


def ensure_files(rows: int, folder: Path | None = None) -> tuple[Path, Path]:
    """The two benchmark files for ``rows`` rows, generated once and then reused."""
    folder = folder or Path(tempfile.gettempdir()) / "tidui-bench"
    folder.mkdir(parents=True, exist_ok=True)
    xlsx = folder / f"抖店订单导出_{rows}.xlsx"
    csv_path = folder / f"ExportOrderList_{rows}.csv"
    if not xlsx.exists():
        write_douyin_xlsx(xlsx.with_suffix(".tmp.xlsx"), rows).rename(xlsx)
    if not csv_path.exists():
        write_taobao_csv(csv_path.with_suffix(".tmp.csv"), rows).rename(csv_path)
    return xlsx, csv_path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    for path in ensure_files(args.rows, args.out):
        print(path)


if __name__ == "__main__":
    main()
