"""The peer of `examples/export`: fast_bitrix24 (Python) exporting every deal.

Run against the test portal served by `cargo run --release -p bitrix24-testkit --example
serve -- 100000 50`, with the webhook URL it prints:

    pip install fast_bitrix24
    /usr/bin/time -f "%U %S %e" python3 -W ignore bitrix24-testkit/peers/fast_bitrix24_export.py URL

Prints the records read and the wall time; `/usr/bin/time` gives the CPU (user + sys).
"""

import sys
import time

from fast_bitrix24 import Bitrix


def main() -> None:
    url = sys.argv[1]
    portal = Bitrix(url, verbose=False)
    started = time.time()
    deals = portal.get_all("crm.deal.list", params={"select": ["*", "UF_*"]})
    print(f"fast_bitrix24: {len(deals)} records, {time.time() - started:.2f} s")


if __name__ == "__main__":
    main()
