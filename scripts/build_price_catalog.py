#!/usr/bin/env python3
"""Writes data/prices/*.csv, the bundled price catalog.

Run from the repository root, with a clone of Karpenter's AWS provider at KARPENTER_COMMIT:
    git clone https://github.com/aws/karpenter-provider-aws /tmp/karpenter
    git -C /tmp/karpenter checkout 1d927085dd81a9df9301e613f371dac5b4d16bfe
    python3 scripts/build_price_catalog.py /tmp/karpenter

What each file holds and where each figure comes from: data/prices/README.md. The other projects'
files are read, not copied: the catalog is the rows this script writes.
"""
import csv
import re
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

AS_OF = "2026-12-05"
REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-west-2", "eu-central-1", "ap-southeast-1"]

# Karpenter's generated tables (aws/karpenter-provider-aws), read at one commit:
# - pkg/providers/pricing/zz_generated.pricing_aws.go: every type's on-demand Linux price in
#   us-east-1, generated from the AWS Price List API on 2026-07-20;
# - website/content/en/docs/reference/instance-types.md: every type's vCPUs, memory (MiB),
#   architecture and GPUs, generated from EC2 DescribeInstanceTypes;
# - pkg/providers/instancetype/zz_generated.vpclimits.go: network interfaces per type, generated
#   on 2026-08-06.
KARPENTER_COMMIT = "1d927085dd81a9df9301e613f371dac5b4d16bfe"
KARPENTER_FILES = {
    "pricing": "pkg/providers/pricing/zz_generated.pricing_aws.go",
    "types": "website/content/en/docs/reference/instance-types.md",
    "vpc": "pkg/providers/instancetype/zz_generated.vpclimits.go",
}

# Where the verified EC2 prices outside us-east-1 were read, row by row, on 2026-11-30: SkyPilot's
# catalog, generated from the AWS Price List API (Linux, shared tenancy, on demand).
EC2_SOURCE = (
    "skypilot-org/skypilot-catalog catalogs/v7/aws/vms.csv at commit "
    "001367d22a0033fac286a8c71aeac7109e431bcb"
)

# The families ECS runs most, which the catalog covers outside us-east-1 too: m/c/r of the 4th to
# 8th generation with their variants, the burstable t2/t3/t3a/t4g and the GPU g4dn/g5/g6.
WIDE_FAMILY = re.compile(r"^([mcr][4-8][a-z-]*|t2|t3|t3a|t4g|g4dn|g5|g6)$")

# On-demand Linux price per hour of the verified families, one column per region in REGIONS order,
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


def verified_prices():
    """{instance_type: [price per region]} from EC2_PRICES."""
    out = {}
    for line in EC2_PRICES.strip().splitlines():
        family, size, *prices = line.split()
        assert len(prices) == len(REGIONS), line
        out[f"{family}.{size}"] = [Decimal(p) for p in prices]
    return out


def git_show(repo, path):
    return subprocess.run(
        ["git", "-C", repo, "show", f"{KARPENTER_COMMIT}:{path}"], check=True, capture_output=True, text=True
    ).stdout


def karpenter(repo):
    """(specs, us-east-1 prices, ENIs) from Karpenter's generated tables."""
    prices = {
        t: Decimal(p).normalize()
        for t, p in re.findall(r'"([a-z0-9-]+\.[a-z0-9-]+)": ([0-9.]+)', git_show(repo, KARPENTER_FILES["pricing"]))
    }
    enis = {
        t: int(n)
        for t, n in re.findall(r'"([a-z0-9-]+\.[a-z0-9-]+)": \{\s*Interface:\s*(\d+)', git_show(repo, KARPENTER_FILES["vpc"]))
    }
    specs = {}
    for block in re.split(r"\n### `", git_show(repo, KARPENTER_FILES["types"]))[1:]:
        name = block.split("`", 1)[0]
        labels = dict(re.findall(r"\|([a-z0-9./-]+)\|([^|]*)\|", block))
        arch = {"amd64": "x86_64", "arm64": "arm64"}[labels["kubernetes.io/arch"]]
        specs[name] = {
            "vcpu": int(labels["karpenter.k8s.aws/instance-cpu"]),
            "memory_mib": int(labels["karpenter.k8s.aws/instance-memory"]),
            "arch": arch,
            "gpus": int(labels.get("karpenter.k8s.aws/instance-gpu-count", 0))
            + int(labels.get("karpenter.k8s.aws/instance-accelerator-count", 0)),
        }
    return specs, prices, enis


def family_arch(family):
    """The family name says the architecture: a `g` after the generation digit is Graviton, as are
    a1 and t4g."""
    m = re.match(r"^[a-z-]+?(\d+)([a-z-]*)$", family)
    if family == "a1" or (m and "g" in m.group(2)):
        return "arm64"
    return "x86_64"


def processor(family):
    suffix = re.match(r"^[a-z]+\d+([a-z-]*)$", family).group(1)
    if family.startswith(("m", "c", "r", "t")) and "g" in suffix:
        return "graviton"
    if "a" in suffix:
        return "amd"
    return "intel"


def generation(family):
    return int(re.match(r"^[a-z]+(\d+)", family).group(1))


def basis_family(family, verified_families):
    """The verified family whose regional price ratio an estimate for `family` borrows: the same
    category (m, c, r, t) and processor maker, nearest generation; Intel of the category when no
    verified family has the maker (any of the category when it has no Intel); for GPU families, the general-purpose Intel family."""
    cat = "m" if family.startswith("g") else family[0]
    proc = "intel" if family.startswith("g") else processor(family)
    same = [f for f in verified_families if f[0] == cat and processor(f) == proc]
    if not same:
        same = [f for f in verified_families if f[0] == cat and processor(f) == "intel"]
    if not same:
        same = [f for f in verified_families if f[0] == cat]
    return min(same, key=lambda f: (abs(generation(f) - generation(family)), -generation(f)))


def estimate(price_us_east_1, family, size, region_index, verified):
    """us-east-1's price times the region's ratio for the basis family, at the same size where
    the basis has it, else at its large size; rounded to 5 decimal places, as the price list's figures are."""
    fams = sorted({t.split(".")[0] for t in verified})
    b = basis_family(family, fams)
    key = f"{b}.{size}" if f"{b}.{size}" in verified else f"{b}.large"
    ratio = verified[key][region_index] / verified[key][0]
    return (price_us_east_1 * ratio).quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP).normalize(), b


def leave_one_out(verified):
    """How far the estimate rule lands from the truth: each verified family estimated from the
    other verified families, in every region but us-east-1. Returns the errors in percent."""
    errors = []
    fams = sorted({t.split(".")[0] for t in verified})
    for fam in fams:
        others = {t: p for t, p in verified.items() if not t.startswith(fam + ".")}
        for t, prices in verified.items():
            if t.split(".")[0] != fam:
                continue
            for i in range(1, len(REGIONS)):
                p, _ = estimate(prices[0], fam, t.split(".")[1], i, others)
                errors.append(float((p - prices[i]) / prices[i] * 100))
    return errors


def fmt(d):
    return f"{d.normalize():f}"


def main():
    repo = sys.argv[1]
    specs, us_prices, enis = karpenter(repo)
    verified = verified_prices()
    # Every verified us-east-1 row must equal Karpenter's table: two copies of the price list agree.
    for t, prices in verified.items():
        assert us_prices[t] == prices[0], (t, us_prices[t], prices[0])
    types = sorted(t for t in specs if t in us_prices)
    for t in types:
        fam = t.split(".")[0]
        assert specs[t]["arch"] == family_arch(fam), (t, specs[t]["arch"])
    with open("data/prices/instance-types.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["instance_type", "vcpu", "memory_mib", "arch", "max_enis", "gpus"])
        for t in types:
            s = specs[t]
            w.writerow([t, s["vcpu"], s["memory_mib"], s["arch"], enis.get(t, 0), s["gpus"]])
    estimated = 0
    with open("data/prices/ec2-linux-on-demand.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["instance_type"] + REGIONS)
        for t in types:
            fam, size = t.split(".")
            row = [t, fmt(us_prices[t])]
            for i in range(1, len(REGIONS)):
                if t in verified:
                    row.append(fmt(verified[t][i]))
                elif WIDE_FAMILY.match(fam):
                    p, _ = estimate(us_prices[t], fam, size, i, verified)
                    row.append("~" + fmt(p))
                    estimated += 1
                else:
                    row.append("")
            w.writerow(row)
    with open("data/prices/fargate.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["region", "dimension", "price_usd", "unit", "status", "source"])
        for region in REGIONS:
            for dim, (price, status, source) in FARGATE[region].items():
                unit = "vCPU-hour" if dim.endswith("vcpu") else "GB-hour"
                w.writerow([region, dim, price, unit, status, source])
    errors = sorted(abs(e) for e in leave_one_out(verified))
    print(f"{len(types)} types; {estimated} estimated prices outside us-east-1")
    print(
        f"estimate rule, each verified family left out in turn ({len(errors)} prices): median error "
        f"{errors[len(errors) // 2]:.2f}%, 90th percentile {errors[len(errors) * 9 // 10]:.2f}%, worst {errors[-1]:.2f}%"
    )


# Fargate, per region and dimension: (price, status, source). Status: `checked` (equals a
# machine-readable copy of the AmazonECS offer), `estimated` (no copy gives it: the source says the
# rule), `floating` (Fargate Spot: a dated reading of AWS's Spot price feed). Sources, as listed in
# data/prices/README.md and ../shared/prices/fargate-sourced.csv:
OFFER_US_EAST_1 = "AmazonECS offer us-east-1 2025-08-28 (opencost/opencost@c6561184)"
OFFER_EU_WEST_2 = "AmazonECS offer eu-west-2 2026-08-31 (mooncitizen/togen@a5b2dad6)"
BULK_2026_09 = "AmazonECS bulk offer 2026-09-11, read 2026-09-29 (theuves/fgcalc@dac946d6)"
API_AP_SE_1 = "Pricing API 2026-08-21 (fadlytanjung/ccoa-agent@58579498)"
SPOT_FEED = "Fargate Spot feed 2026-09-29 21:41 UTC (theuves/fgcalc@dac946d6)"
WIN_RULE = "estimate: 1.15 x the Linux x86 rate, licence 0.046, as in every full offer (us-east-1, eu-west-2)"
PAGE = "estimate: recorded from the public Fargate price page; no machine-readable copy gives it"


def fargate_region(x86, x86_src, arm, arm_src, storage, storage_src, spot, windows=None, windows_src=WIN_RULE):
    vcpu, gb = (Decimal(x) for x in x86)
    if windows is None:
        windows = (fmt(vcpu * Decimal("1.15")), fmt(gb * Decimal("1.15")), "0.046")
    wstatus = "estimated" if windows_src == WIN_RULE else "checked"
    status = lambda src: "estimated" if src.startswith("estimate") else "checked"
    return {
        "linux_x86_vcpu": (x86[0], "checked", x86_src),
        "linux_x86_memory": (x86[1], "checked", x86_src),
        "linux_arm_vcpu": (arm[0], status(arm_src), arm_src),
        "linux_arm_memory": (arm[1], status(arm_src), arm_src),
        "spot_vcpu": (spot[0], "floating", SPOT_FEED),
        "spot_memory": (spot[1], "floating", SPOT_FEED),
        "windows_vcpu": (windows[0], wstatus, windows_src),
        "windows_memory": (windows[1], wstatus, windows_src),
        "windows_license_vcpu": (windows[2], wstatus, windows_src),
        "ephemeral_storage": (storage, status(storage_src), storage_src),
    }


US_ARM = "estimate: us-east-1's ARM rates, for a region with us-east-1's Linux x86 rates"
US_STORAGE = "estimate: us-east-1's storage rate, for a region with us-east-1's Linux x86 rates"
FARGATE = {
    "us-east-1": fargate_region(
        ("0.04048", "0.004445"), OFFER_US_EAST_1, ("0.03238", "0.00356"), OFFER_US_EAST_1, "0.000111", OFFER_US_EAST_1,
        ("0.01288561", "0.00141493"), ("0.046552", "0.00511175", "0.046"), OFFER_US_EAST_1,
    ),
    "us-east-2": fargate_region(
        ("0.04048", "0.004445"), BULK_2026_09, ("0.03238", "0.00356"), US_ARM, "0.000111", US_STORAGE,
        ("0.01539807", "0.00169082"),
    ),
    "us-west-2": fargate_region(
        ("0.04048", "0.004445"), BULK_2026_09, ("0.03238", "0.00356"), US_ARM, "0.000111", US_STORAGE,
        ("0.01258905", "0.00138237"),
    ),
    "eu-west-1": fargate_region(
        ("0.04048", "0.004445"), BULK_2026_09, ("0.03238", "0.00356"), US_ARM, "0.000111", US_STORAGE,
        ("0.01225536", "0.00134573"),
    ),
    "eu-west-2": fargate_region(
        ("0.04656", "0.00511"), OFFER_EU_WEST_2, ("0.03725", "0.00409"), OFFER_EU_WEST_2, "0.000129", OFFER_EU_WEST_2,
        ("0.01468459", "0.00161165"), ("0.053544", "0.0058765", "0.046"), OFFER_EU_WEST_2,
    ),
    "eu-central-1": fargate_region(
        ("0.04656", "0.00511"), BULK_2026_09,
        ("0.03725", "0.00409"), "estimate: eu-west-2's ARM rates, for a region with eu-west-2's Linux x86 rates",
        "0.000129", "estimate: eu-west-2's storage rate, for a region with eu-west-2's Linux x86 rates",
        ("0.01441236", "0.00158177"),
    ),
    "ap-southeast-1": fargate_region(
        ("0.05056", "0.00553"), BULK_2026_09, ("0.04045", "0.00442"), API_AP_SE_1, "0.000139", PAGE,
        ("0.01544659", "0.00168947"),
    ),
}


if __name__ == "__main__":
    main()
