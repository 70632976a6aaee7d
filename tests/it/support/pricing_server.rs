//! A small local server speaking the Pricing API's wire format (AWS JSON 1.1 over HTTP/1.1,
//! `X-Amz-Target: AWSPriceListService.GetProducts`), since moto has no Pricing API. It holds
//! realistic price-list items, decoys that a correct client must not use (other operating
//! systems, tenancies, pre-installed software, capacity reservations, regions, Reserved terms,
//! unknown instance types, other ECS products), applies TERM_MATCH filters as AWS does, and pages
//! its answers three items at a time with an opaque NextToken.
//!
//! It can also answer every request with a fixed error, to test how errors are reported.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::{json, Value};

const PAGE: usize = 3;

pub struct Server {
    pub endpoint: String,
    pub requests: Arc<AtomicUsize>,
}

/// What the server answers.
#[derive(Clone)]
pub enum Mode {
    Prices,
    /// Status and `__type` of an AWS JSON error, for every request.
    Error(u16, &'static str, &'static str),
    /// A page of nothing and the same NextToken, for ever.
    EndlessPages,
    /// This status with an empty JSON object: an error with neither a code nor a message.
    Empty(u16),
    /// A 200 whose chunked body never ends (JSON whitespace, 64 KiB a chunk).
    EndlessBody,
    /// The real items, with us-east-1's Fargate vCPU rate at $100,000,000,000,000,000,000.
    HugePrices,
}

pub fn start(mode: Mode) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mode = mode.clone();
            let counter = counter.clone();
            std::thread::spawn(move || serve(stream, &mode, &counter));
        }
    });
    Server { endpoint, requests }
}

fn serve(stream: TcpStream, mode: &Mode, counter: &AtomicUsize) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut target = String::new();
        let mut length = 0usize;
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                match k.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = v.trim().parse().unwrap_or(0),
                    "x-amz-target" => target = v.trim().to_string(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        counter.fetch_add(1, Ordering::SeqCst);
        if matches!(mode, Mode::EndlessBody) {
            let head = "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
            let chunk = format!("10000\r\n{}\r\n", " ".repeat(0x10000));
            if out.write_all(head.as_bytes()).is_err() {
                return;
            }
            // Until the client hangs up.
            while out.write_all(chunk.as_bytes()).is_ok() {}
            return;
        }
        let (status, answer) = match mode {
            Mode::Error(status, kind, message) => (*status, json!({"__type": kind, "message": message})),
            Mode::EndlessPages => (200, json!({"FormatVersion": "aws_v1", "PriceList": [], "NextToken": "again"})),
            Mode::Empty(status) => (*status, json!({})),
            Mode::EndlessBody => unreachable!("answered above"),
            Mode::Prices | Mode::HugePrices if target == "AWSPriceListService.GetProducts" => {
                let mut answer = get_products(&serde_json::from_slice(&body).unwrap_or(Value::Null));
                if matches!(mode, Mode::HugePrices) {
                    let text = answer.to_string().replace("0.0420000000", "100000000000000000000");
                    answer = serde_json::from_str(&text).unwrap();
                }
                (200, answer)
            }
            Mode::Prices | Mode::HugePrices => (
                400,
                json!({"__type": "InvalidParameterException", "message": format!("unknown target {target}")}),
            ),
        };
        let text = answer.to_string();
        let reason = if status == 200 { "OK" } else { "Bad Request" };
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nx-amzn-RequestId: 8c3a1b2e-0000-4000-8000-000000000000\r\n\r\n",
            text.len()
        );
        if out.write_all(head.as_bytes()).and_then(|_| out.write_all(text.as_bytes())).is_err() {
            return;
        }
    }
}

fn get_products(req: &Value) -> Value {
    let service = req["ServiceCode"].as_str().unwrap_or_default();
    let filters: Vec<(String, String)> = req["Filters"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|f| {
                    assert_eq!(f["Type"], "TERM_MATCH", "only TERM_MATCH filters are used");
                    (f["Field"].as_str().unwrap().to_string(), f["Value"].as_str().unwrap().to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    let matching: Vec<Value> = items()
        .into_iter()
        .filter(|i| i["serviceCode"] == service)
        .filter(|i| {
            filters
                .iter()
                .all(|(k, v)| i["product"]["attributes"][k].as_str() == Some(v.as_str()))
        })
        .collect();
    let from: usize = req["NextToken"]
        .as_str()
        .and_then(|t| t.strip_prefix("page-"))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    let page: Vec<String> = matching.iter().skip(from).take(PAGE).map(|i| i.to_string()).collect();
    let mut answer = json!({"FormatVersion": "aws_v1", "PriceList": page});
    if from + PAGE < matching.len() {
        answer["NextToken"] = json!(format!("page-{}", from + PAGE));
    }
    answer
}

/// `(instance type, region, operating system, tenancy, pre-installed software, capacity status, price)`.
const EC2: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("m6i.large", "us-east-1", "Linux", "Shared", "NA", "Used", "0.1010000000"),
    ("m6i.xlarge", "us-east-1", "Linux", "Shared", "NA", "Used", "0.2020000000"),
    ("c6i.large", "us-east-1", "Linux", "Shared", "NA", "Used", "0.0890000000"),
    ("m5.2xlarge", "us-east-1", "Linux", "Shared", "NA", "Used", "0.4000000000"),
    ("m7g.large", "us-east-1", "Linux", "Shared", "NA", "Used", "0.0850000000"),
    // Decoys the filters or the client must drop.
    ("m6i.large", "us-east-1", "Windows", "Shared", "NA", "Used", "0.2850000000"),
    ("m6i.large", "us-east-1", "Linux", "Dedicated", "NA", "Used", "0.1060000000"),
    ("m6i.large", "us-east-1", "Linux", "Shared", "SQL Web", "Used", "0.1570000000"),
    (
        "m6i.large",
        "us-east-1",
        "Linux",
        "Shared",
        "NA",
        "UnusedCapacityReservation",
        "0.1010000000",
    ),
    (
        "m6i.large",
        "us-east-1",
        "Linux",
        "Shared",
        "NA",
        "AllocatedCapacityReservation",
        "0.0000000000",
    ),
    ("m6i.large", "us-west-2", "Linux", "Shared", "NA", "Used", "0.0990000000"),
    ("x9z.large", "us-east-1", "Linux", "Shared", "NA", "Used", "1.0000000000"),
    ("m6i.large", "eu-west-1", "Linux", "Shared", "NA", "Used", "0.1110000000"),
    // A region the bundled catalog lacks, with a type it lacks too.
    ("m5.2xlarge", "sa-east-1", "Linux", "Shared", "NA", "Used", "0.6120000000"),
    ("m6i.large", "sa-east-1", "Linux", "Shared", "NA", "Used", "0.1530000000"),
    ("m9z.xlarge", "sa-east-1", "Linux", "Shared", "NA", "Used", "0.3000000000"),
    // The demo's Managed Instances type.
    ("m7i.large", "sa-east-1", "Linux", "Shared", "NA", "Used", "0.1600000000"),
    ("m5.2xlarge", "sa-east-1", "Windows", "Shared", "NA", "Used", "0.9800000000"),
];

/// The `vcpu` and `memory` attributes of an EC2 product, as the price list writes them.
fn size_of(instance_type: &str) -> (&'static str, &'static str) {
    match instance_type {
        "m5.2xlarge" => ("8", "32 GiB"),
        "m9z.xlarge" => ("4", "16 GiB"),
        "c5.large" | "c6i.large" => ("2", "4 GiB"),
        _ => ("2", "8 GiB"),
    }
}

/// `(usage type, region, price)` for AmazonECS.
const FARGATE: &[(&str, &str, &str)] = &[
    ("USE1-Fargate-vCPU-Hours:perCPU", "us-east-1", "0.0420000000"),
    ("USE1-Fargate-GB-Hours", "us-east-1", "0.0046000000"),
    ("USE1-Fargate-ARM-vCPU-Hours:perCPU", "us-east-1", "0.0336000000"),
    ("USE1-Fargate-ARM-GB-Hours", "us-east-1", "0.0037000000"),
    ("USE1-Fargate-Windows-vCPU-Hours:perCPU", "us-east-1", "0.0980000000"),
    ("USE1-Fargate-Windows-GB-Hours", "us-east-1", "0.0107000000"),
    ("USE1-Fargate-Windows-OS-Hours:perCPU", "us-east-1", "0.0460000000"),
    ("USE1-Fargate-EphemeralStorage-GB-Hours", "us-east-1", "0.0001110000"),
    // Decoys: another ECS product and another region.
    ("USE1-ECS-Anywhere-Instance-hours", "us-east-1", "0.0102500000"),
    ("USW2-Fargate-vCPU-Hours:perCPU", "us-west-2", "0.0404800000"),
    ("EU-Fargate-vCPU-Hours:perCPU", "eu-west-1", "0.0450000000"),
    ("EU-Fargate-GB-Hours", "eu-west-1", "0.0049000000"),
    ("EU-Fargate-ARM-vCPU-Hours:perCPU", "eu-west-1", "0.0360000000"),
    ("EU-Fargate-ARM-GB-Hours", "eu-west-1", "0.0039000000"),
    // sa-east-1: Linux only (Windows, storage and Spot left for the estimate rules).
    ("SAE1-Fargate-vCPU-Hours:perCPU", "sa-east-1", "0.0696000000"),
    ("SAE1-Fargate-GB-Hours", "sa-east-1", "0.0076000000"),
    ("SAE1-Fargate-ARM-vCPU-Hours:perCPU", "sa-east-1", "0.0557000000"),
    ("SAE1-Fargate-ARM-GB-Hours", "sa-east-1", "0.0061000000"),
];

/// `(instance type, region, operation, price)`: ECS Managed Instances management fees, AmazonECS
/// products matched on their `operation` and `instanceType` attributes. Decoys: another region,
/// another operation on the same type.
const MANAGED_INSTANCES: &[(&str, &str, &str, &str)] = &[
    ("m6i.large", "us-east-1", "ECSManagedInstancesUsage", "0.0121000000"),
    ("c6a.2xlarge", "us-east-1", "ECSManagedInstancesUsage", "0.0370000000"),
    ("m6i.large", "eu-west-1", "ECSManagedInstancesUsage", "0.0133000000"),
    ("m6i.xlarge", "us-east-1", "ECSAnywhereUsage", "0.5000000000"),
];

fn terms(sku: &str, usd: &str, unit: &str, description: &str) -> Value {
    json!({
        "OnDemand": {
            format!("{sku}.JRTCKXETXF"): {
                "offerTermCode": "JRTCKXETXF", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z", "termAttributes": {},
                "priceDimensions": {
                    format!("{sku}.JRTCKXETXF.6YS6EN2CT7"): {
                        "rateCode": format!("{sku}.JRTCKXETXF.6YS6EN2CT7"), "description": description,
                        "beginRange": "0", "endRange": "Inf", "unit": unit, "appliesTo": [], "pricePerUnit": {"USD": usd}
                    }
                }
            }
        },
        "Reserved": {
            format!("{sku}.4NA7Y494T4"): {
                "offerTermCode": "4NA7Y494T4", "sku": sku, "effectiveDate": "2026-11-01T00:00:00Z",
                "termAttributes": {"LeaseContractLength": "1yr", "OfferingClass": "standard", "PurchaseOption": "No Upfront"},
                "priceDimensions": {
                    format!("{sku}.4NA7Y494T4.6YS6EN2CT7"): {
                        "rateCode": format!("{sku}.4NA7Y494T4.6YS6EN2CT7"), "description": "Reserved", "beginRange": "0",
                        "endRange": "Inf", "unit": unit, "appliesTo": [], "pricePerUnit": {"USD": "0.0010000000"}
                    }
                }
            }
        }
    })
}

fn items() -> Vec<Value> {
    let mut out = Vec::new();
    for (i, (t, region, os, tenancy, sw, capacity, usd)) in EC2.iter().enumerate() {
        let sku = format!("EC2SKU{i:04}");
        let (vcpu, memory) = size_of(t);
        let operation = match *os {
            "Windows" => "RunInstances:0002",
            _ => "RunInstances",
        };
        out.push(json!({
            "product": {
                "productFamily": "Compute Instance",
                "sku": sku,
                "attributes": {
                    "servicecode": "AmazonEC2", "regionCode": region, "location": "US East (N. Virginia)", "locationType": "AWS Region",
                    "instanceType": t, "instanceFamily": "General purpose", "vcpu": vcpu, "memory": memory, "operatingSystem": os,
                    "tenancy": tenancy, "preInstalledSw": sw, "capacitystatus": capacity, "licenseModel": "No License required",
                    "operation": operation, "usagetype": format!("BoxUsage:{t}"), "marketoption": "OnDemand", "servicename": "Amazon Elastic Compute Cloud"
                }
            },
            "serviceCode": "AmazonEC2",
            "terms": terms(&sku, usd, "Hrs", &format!("${usd} per On Demand {os} {t} Instance Hour")),
            "version": "20261101000000",
            "publicationDate": "2026-11-01T00:00:00Z"
        }));
    }
    for (i, (usage, region, usd)) in FARGATE.iter().enumerate() {
        let sku = format!("ECSSKU{i:04}");
        out.push(json!({
            "product": {
                "productFamily": "Compute",
                "sku": sku,
                "attributes": {
                    "servicecode": "AmazonECS", "regionCode": region, "location": "US East (N. Virginia)", "locationType": "AWS Region",
                    "usagetype": usage, "operation": "", "servicename": "Amazon Elastic Container Service"
                }
            },
            "serviceCode": "AmazonECS",
            "terms": terms(&sku, usd, "hours", &format!("AWS Fargate {usage}")),
            "version": "20261101000000",
            "publicationDate": "2026-11-01T00:00:00Z"
        }));
    }
    for (i, (t, region, operation, usd)) in MANAGED_INSTANCES.iter().enumerate() {
        let sku = format!("ECSMISKU{i:04}");
        out.push(json!({
            "product": {
                "productFamily": "Compute",
                "sku": sku,
                "attributes": {
                    "servicecode": "AmazonECS", "regionCode": region, "location": "US East (N. Virginia)", "locationType": "AWS Region",
                    "usagetype": format!("USE1-ECSManagedInstances:{t}"), "operation": operation, "instanceType": t,
                    "servicename": "Amazon Elastic Container Service"
                }
            },
            "serviceCode": "AmazonECS",
            "terms": terms(&sku, usd, "Hrs", &format!("${usd} per ECS Managed Instances {t} instance hour")),
            "version": "20261101000000",
            "publicationDate": "2026-11-01T00:00:00Z"
        }));
    }
    out
}
