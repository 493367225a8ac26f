"""Copy a households.csv/persons.csv pair, changing every tenth household's floor area and every
tenth person's education, so that a re-import has real changes to detect and record.

Usage: python3 modify_registry.py IN_DIR OUT_DIR
"""
import csv
import os
import sys

src, dst = sys.argv[1], sys.argv[2]
os.makedirs(dst, exist_ok=True)


def copy(name, column, change):
    with open(os.path.join(src, name), newline="", encoding="utf-8") as fi, open(
        os.path.join(dst, name), "w", newline="", encoding="utf-8"
    ) as fo:
        r = csv.reader(fi)
        w = csv.writer(fo, lineterminator="\n")
        header = next(r)
        w.writerow(header)
        i = header.index(column)
        for n, row in enumerate(r):
            if n % 10 == 0:
                row[i] = change(row[i])
            w.writerow(row)


copy("households.csv", "floor_area_m2", lambda v: str(int(v) + 1) if v else "20")
copy("persons.csv", "education", lambda v: "bachelor" if v == "diploma" else "diploma")
