#!/usr/bin/env python3
"""Writes data/prices/*.csv, the bundled price catalog.

Every EC2 row comes from the EC2_PRICES table below, one line per instance type with its price
in each region, as read from EC2_SOURCE. Run from the repository root:
python3 scripts/build_price_catalog.py
"""
import csv
from decimal import Decimal

AS_OF = "2026-11-30"
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1"]

# Where every EC2 price below was read, row by row, on AS_OF. SkyPilot's catalog is generated
# from the AWS Price List API (Linux, shared tenancy, no pre-installed software, on demand);
# the us-east-1 rows also equal Karpenter's generated table of 2026-01-19.
EC2_SOURCE = (
    "skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv at commit "
    "001367d22a0033fac286a8c71aeac7109e431bcb"
)

# family: (arch, vcpu per large, GiB per large)
FAMILIES = {
    "t3": ("x86_64", 2, 8), "t3a": ("x86_64", 2, 8), "t4g": ("arm64", 2, 8),
    "m5": ("x86_64", 2, 8), "m6i": ("x86_64", 2, 8), "m6a": ("x86_64", 2, 8), "m6g": ("arm64", 2, 8),
    "m7i": ("x86_64", 2, 8), "m7g": ("arm64", 2, 8),
    "c5": ("x86_64", 2, 4), "c6i": ("x86_64", 2, 4), "c6g": ("arm64", 2, 4), "c7i": ("x86_64", 2, 4),
    "c7g": ("arm64", 2, 4),
    "r5": ("x86_64", 2, 16), "r6i": ("x86_64", 2, 16), "r6g": ("arm64", 2, 16), "r7g": ("arm64", 2, 16),
}

# On-demand Linux price per hour of each bundled type, one column per region in REGIONS order,
# transcribed from EC2_SOURCE. Sizes are listed, not derived: outside the US the price list
# rounds each size on its own (c7g in eu-west-1: large 0.0775, 2xlarge 0.3101).
EC2_PRICES = """
t3 medium 0.0416 0.0416 0.0416 0.0456 0.0472 0.048 0.0528
t3 large 0.0832 0.0832 0.0832 0.0912 0.0944 0.096 0.1056
t3 xlarge 0.1664 0.1664 0.1664 0.1824 0.1888 0.192 0.2112
t3 2xlarge 0.3328 0.3328 0.3328 0.3648 0.3776 0.384 0.4224
t3a medium 0.0376 0.0376 0.0376 0.0408 0.0425 0.0432 0.0472
t3a large 0.0752 0.0752 0.0752 0.0816 0.085 0.0864 0.0944
t3a xlarge 0.1504 0.1504 0.1504 0.1632 0.1699 0.1728 0.1888
t3a 2xlarge 0.3008 0.3008 0.3008 0.3264 0.3398 0.3456 0.3776
t4g medium 0.0336 0.0336 0.0336 0.0368 0.0376 0.0384 0.0424
t4g large 0.0672 0.0672 0.0672 0.0736 0.0752 0.0768 0.0848
t4g xlarge 0.1344 0.1344 0.1344 0.1472 0.1504 0.1536 0.1696
t4g 2xlarge 0.2688 0.2688 0.2688 0.2944 0.3008 0.3072 0.3392
m5 large 0.096 0.096 0.096 0.107 0.111 0.115 0.12
m5 xlarge 0.192 0.192 0.192 0.214 0.222 0.23 0.24
m5 2xlarge 0.384 0.384 0.384 0.428 0.444 0.46 0.48
m5 4xlarge 0.768 0.768 0.768 0.856 0.888 0.92 0.96
m6i large 0.096 0.096 0.096 0.107 0.111 0.115 0.12
m6i xlarge 0.192 0.192 0.192 0.214 0.222 0.23 0.24
m6i 2xlarge 0.384 0.384 0.384 0.428 0.444 0.46 0.48
m6i 4xlarge 0.768 0.768 0.768 0.856 0.888 0.92 0.96
m6a large 0.0864 0.0864 0.0864 0.0963 0.0999 0.1035 0.108
m6a xlarge 0.1728 0.1728 0.1728 0.1926 0.1998 0.207 0.216
m6a 2xlarge 0.3456 0.3456 0.3456 0.3852 0.3996 0.414 0.432
m6a 4xlarge 0.6912 0.6912 0.6912 0.7704 0.7992 0.828 0.864
m6g medium 0.0385 0.0385 0.0385 0.043 0.0444 0.046 0.048
m6g large 0.077 0.077 0.077 0.086 0.0888 0.092 0.096
m6g xlarge 0.154 0.154 0.154 0.172 0.1776 0.184 0.192
m6g 2xlarge 0.308 0.308 0.308 0.344 0.3552 0.368 0.384
m6g 4xlarge 0.616 0.616 0.616 0.688 0.7104 0.736 0.768
m7i large 0.1008 0.1008 0.1008 0.11235 0.11655 0.12075 0.126
m7i xlarge 0.2016 0.2016 0.2016 0.2247 0.2331 0.2415 0.252
m7i 2xlarge 0.4032 0.4032 0.4032 0.4494 0.4662 0.483 0.504
m7i 4xlarge 0.8064 0.8064 0.8064 0.8988 0.9324 0.966 1.008
m7g medium 0.0408 0.0408 0.0408 0.0455 0.0472 0.0489 0.051
m7g large 0.0816 0.0816 0.0816 0.091 0.0944 0.0978 0.102
m7g xlarge 0.1632 0.1632 0.1632 0.1819 0.1887 0.1955 0.204
m7g 2xlarge 0.3264 0.3264 0.3264 0.3638 0.3774 0.391 0.408
m7g 4xlarge 0.6528 0.6528 0.6528 0.7276 0.7549 0.7821 0.816
c5 large 0.085 0.085 0.085 0.096 0.101 0.097 0.098
c5 xlarge 0.17 0.17 0.17 0.192 0.202 0.194 0.196
c5 2xlarge 0.34 0.34 0.34 0.384 0.404 0.388 0.392
c5 4xlarge 0.68 0.68 0.68 0.768 0.808 0.776 0.784
c6i large 0.085 0.085 0.085 0.0912 0.101 0.097 0.098
c6i xlarge 0.17 0.17 0.17 0.1824 0.202 0.194 0.196
c6i 2xlarge 0.34 0.34 0.34 0.3648 0.404 0.388 0.392
c6i 4xlarge 0.68 0.68 0.68 0.7296 0.808 0.776 0.784
c6g medium 0.034 0.034 0.034 0.0365 0.0404 0.0388 0.0392
c6g large 0.068 0.068 0.068 0.073 0.0808 0.0776 0.0784
c6g xlarge 0.136 0.136 0.136 0.1459 0.1616 0.1552 0.1568
c6g 2xlarge 0.272 0.272 0.272 0.2918 0.3232 0.3104 0.3136
c6g 4xlarge 0.544 0.544 0.544 0.5837 0.6464 0.6208 0.6272
c7i large 0.08925 0.08925 0.08925 0.09576 0.10605 0.10185 0.1029
c7i xlarge 0.1785 0.1785 0.1785 0.19152 0.2121 0.2037 0.2058
c7i 2xlarge 0.357 0.357 0.357 0.38304 0.4242 0.4074 0.4116
c7i 4xlarge 0.714 0.714 0.714 0.76608 0.8484 0.8148 0.8232
c7g medium 0.0363 0.0361 0.0363 0.0388 0.0429 0.0412 0.0417
c7g large 0.0725 0.0723 0.0725 0.0775 0.0859 0.0825 0.0833
c7g xlarge 0.145 0.1445 0.145 0.155 0.1717 0.1649 0.1666
c7g 2xlarge 0.29 0.289 0.29 0.3101 0.3434 0.3298 0.3332
c7g 4xlarge 0.58 0.5781 0.58 0.6202 0.6869 0.6596 0.6664
r5 large 0.126 0.126 0.126 0.141 0.148 0.152 0.152
r5 xlarge 0.252 0.252 0.252 0.282 0.296 0.304 0.304
r5 2xlarge 0.504 0.504 0.504 0.564 0.592 0.608 0.608
r5 4xlarge 1.008 1.008 1.008 1.128 1.184 1.216 1.216
r6i large 0.126 0.126 0.126 0.141 0.148 0.152 0.152
r6i xlarge 0.252 0.252 0.252 0.282 0.296 0.304 0.304
r6i 2xlarge 0.504 0.504 0.504 0.564 0.592 0.608 0.608
r6i 4xlarge 1.008 1.008 1.008 1.128 1.184 1.216 1.216
r6g medium 0.0504 0.0504 0.0504 0.0564 0.0592 0.0608 0.0608
r6g large 0.1008 0.1008 0.1008 0.1128 0.1184 0.1216 0.1216
r6g xlarge 0.2016 0.2016 0.2016 0.2256 0.2368 0.2432 0.2432
r6g 2xlarge 0.4032 0.4032 0.4032 0.4512 0.4736 0.4864 0.4864
r6g 4xlarge 0.8064 0.8064 0.8064 0.9024 0.9472 0.9728 0.9728
r7g medium 0.0536 0.0536 0.0536 0.0599 0.0629 0.0646 0.0646
r7g large 0.1071 0.1071 0.1071 0.1199 0.1258 0.1292 0.1292
r7g xlarge 0.2142 0.2142 0.2142 0.2397 0.2516 0.2584 0.2584
r7g 2xlarge 0.4284 0.4284 0.4284 0.4794 0.5032 0.5168 0.5168
r7g 4xlarge 0.8568 0.8568 0.8568 0.9588 1.0064 1.0336 1.0336
"""


# Elastic network interfaces per instance (EC2 User Guide, "Maximum IP addresses per network interface").
ENIS = {"medium": 2, "large": 3, "xlarge": 4, "2xlarge": 4, "4xlarge": 8}
ENIS_BURSTABLE = {"medium": 3, "large": 3, "xlarge": 4, "2xlarge": 4}
SIZES = {"medium": Decimal("0.5"), "large": Decimal(1), "xlarge": Decimal(2), "2xlarge": Decimal(4), "4xlarge": Decimal(8)}

# Fargate rates checked against a machine-readable copy of the AmazonECS offer (see the README):
# us-east-1 only. The other regions' rows are recorded from the public price page, unchecked.
FARGATE_VERIFIED = {"us-east-1"}

# Fargate, per region: (vCPU-h, GB-h) for Linux/x86, Linux/ARM, Windows; Windows OS licence per
# vCPU-h; ephemeral storage per GB-h beyond 20 GiB; Fargate Spot (floating: an assumption, see data/prices/README.md).
FARGATE = {
    # Windows: the 2025 rates of the AmazonECS us-east-1 offer file (publication 2025-08-28).
    "us":             {"linux_x86": ("0.04048", "0.004445"), "linux_arm": ("0.03238", "0.00356"), "windows": ("0.046552", "0.00511175"), "windows_license": "0.046", "storage": "0.000111", "spot": ("0.01254880", "0.00137795")},
    "eu-west-1":      {"linux_x86": ("0.04048", "0.004445"), "linux_arm": ("0.03238", "0.00356"), "windows": ("0.09148", "0.01005"), "windows_license": "0.046", "storage": "0.000111", "spot": ("0.01295360", "0.00142240")},
    "eu-west-2":      {"linux_x86": ("0.04656", "0.00511"),  "linux_arm": ("0.03725", "0.00409"), "windows": ("0.10522", "0.01155"), "windows_license": "0.046", "storage": "0.000127", "spot": ("0.01489920", "0.00163520")},
    "eu-central-1":   {"linux_x86": ("0.04656", "0.00511"),  "linux_arm": ("0.03725", "0.00409"), "windows": ("0.10522", "0.01155"), "windows_license": "0.046", "storage": "0.000127", "spot": ("0.01536480", "0.00168630")},
    "ap-southeast-1": {"linux_x86": ("0.05056", "0.00553"),  "linux_arm": ("0.04045", "0.00442"), "windows": ("0.11427", "0.0125"),  "windows_license": "0.046", "storage": "0.000139", "spot": ("0.01617920", "0.00176960")},
}


def ec2_prices():
    """(family, size, [price per region]) for each line of EC2_PRICES, in table order."""
    for line in EC2_PRICES.strip().splitlines():
        family, size, *prices = line.split()
        assert family in FAMILIES and size in SIZES and len(prices) == len(REGIONS), line
        yield family, size, [f"{Decimal(p).normalize():f}" for p in prices]


def region_key(table, region):
    return region if region in table else "us"


def main():
    with open("data/prices/instance-types.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["instance_type", "family", "vcpu", "memory_gib", "arch", "max_enis"])
        for family, size, _ in ec2_prices():
            arch, vcpu, gib = FAMILIES[family]
            burstable = family.startswith("t")
            factor = SIZES[size]
            enis = (ENIS_BURSTABLE if burstable else ENIS)[size]
            v = 2 if burstable and size in ("medium", "large") else int(vcpu * factor)
            w.writerow([f"{family}.{size}", family, v, int(gib * factor) if not burstable else int(Decimal(8) * factor), arch, enis])
    with open("data/prices/ec2-linux-on-demand.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "instance_type", "price_per_hour_usd", "source"])
        for i, region in enumerate(REGIONS):
            for family, size, prices in ec2_prices():
                w.writerow([region, f"{family}.{size}", prices[i], "verified"])
    with open("data/prices/fargate.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "dimension", "price_usd", "unit", "source"])
        for region in REGIONS:
            r = FARGATE[region_key(FARGATE, region)]
            src = "verified" if region in FARGATE_VERIFIED else "unverified"
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
