#!/usr/bin/env python3
"""Test time per module and tier, from the reports the last build left: unit tests from
<module>/target/surefire-reports, integration tests (*IT) from <module>/target/failsafe-reports.
Times are the sum of the test classes' times as the reports give them (JVM start and Maven's own
work not included). Prints a Markdown table. Reports stay in target/ until `clean`, so time a
build that started clean (`./mvnw -B clean verify`, or delete the report folders of the modules
you time) or earlier, targeted runs count too.

Usage: python3 scripts/test-tier-times.py [repository root, default: this script's parent]"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def tier(module, reports):
    classes, tests, seconds = 0, 0, 0.0
    for path in glob.glob(os.path.join(root, module, "target", reports, "TEST-*.xml")):
        suite = ET.parse(path).getroot()
        classes += 1
        tests += int(suite.get("tests", 0))
        seconds += float(suite.get("time", 0))
    return classes, tests, seconds


def cell(counts):
    classes, tests, seconds = counts
    return f"{tests} ({classes} classes) | {seconds:.1f} s" if classes else "0 | -"


modules = sorted(m for m in os.listdir(root) if os.path.isfile(os.path.join(root, m, "pom.xml")))
print("| module | unit tests | unit time | integration tests | integration time |")
print("| --- | --- | --- | --- | --- |")
totals = [[0, 0, 0.0], [0, 0, 0.0]]
for m in modules:
    unit, it = tier(m, "surefire-reports"), tier(m, "failsafe-reports")
    if unit[0] or it[0]:
        print(f"| {m} | {cell(unit)} | {cell(it)} |")
        for t, c in zip(totals, (unit, it)):
            for i in range(3):
                t[i] += c[i]
print(f"| all | {cell(totals[0])} | {cell(totals[1])} |")
