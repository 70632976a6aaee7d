"""Seeds a moto server with a realistic small account for the AWS tests (boto3, independent of the
Rust SDK under test).

usage: seed.py ENDPOINT END_RFC3339 DAYS

us-east-1 holds three clusters:
- `prod` (Container Insights on): services `api` (Fargate, 1 vCPU / 2 GiB, awsvpc), `worker`
  (FARGATE_SPOT + FARGATE strategy, ARM64, 0.5 vCPU / 1 GiB) and `web` (EC2, bridge, sizes on
  the container only), two m5.xlarge container instances, and one standalone Fargate task
  `batch` (0.25 vCPU / 0.5 GiB).
- `prod-2`, a similar name: its own `api` service (2 vCPU / 4 GiB) and a standalone task, neither
  of which may show up in `prod`.
- `staging` (Container Insights off): service `legacy` (EC2, 1 vCPU / 2 GiB) with AWS/ECS
  utilization only, on one m5.large.
- `history`: service `resized` (Fargate, 2 tasks) at 1 vCPU / 2 GiB until halfway through the
  window, then 0.5 vCPU / 1 GiB (a deployment of `resized:2`).
- `managed`: an ECS Managed Instances capacity provider `managed-mi` (m7i and m7a types of 2 to 8
  vCPUs, optimized after 300 s) as the cluster's default strategy; service `renderer` names it in
  its strategy, service `defaulted` names neither a launch type nor a strategy. No metrics.

Metrics cover DAYS days of 5-minute steps ending at END, one point per metric per step (two for
`api`'s RunningTaskCount, so its average and maximum differ at every 12th step). The values are
the formulas in tests/aws.rs.
"""

import sys
from datetime import datetime, timedelta, timezone

import boto3

endpoint, end_text, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
end = datetime.fromisoformat(end_text.replace("Z", "+00:00")).astimezone(timezone.utc)
steps = days * 288
start = end - timedelta(seconds=300 * steps)

kw = dict(endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
ecs = boto3.client("ecs", **kw)
ec2 = boto3.client("ec2", **kw)
cw = boto3.client("cloudwatch", **kw)

insights_on = [{"name": "containerInsights", "value": "enabled"}]
ecs.create_cluster(clusterName="prod", settings=insights_on, capacityProviders=["FARGATE", "FARGATE_SPOT"])
ecs.create_cluster(clusterName="prod-2", settings=insights_on, capacityProviders=["FARGATE"])
ecs.create_cluster(clusterName="staging", settings=[{"name": "containerInsights", "value": "disabled"}])
ecs.create_capacity_provider(
    name="managed-mi",
    managedInstancesProvider={
        "infrastructureRoleArn": "arn:aws:iam::123456789012:role/ecsInfrastructureRole",
        "instanceLaunchTemplate": {
            "ec2InstanceProfileArn": "arn:aws:iam::123456789012:instance-profile/ecsInstanceRole",
            "networkConfiguration": {"subnets": ["subnet-0123456789abcdef0"]},
            "instanceRequirements": {
                "vCpuCount": {"min": 2, "max": 8},
                "memoryMiB": {"min": 4096},
                "allowedInstanceTypes": ["m7i.*", "m7a.*"],
            },
        },
        "infrastructureOptimization": {"scaleInAfter": 300},
    },
)
ecs.create_cluster(
    clusterName="managed",
    capacityProviders=["managed-mi"],
    defaultCapacityProviderStrategy=[{"capacityProvider": "managed-mi", "weight": 1}],
)


def register(family, cpu, memory, network="awsvpc", compat=("FARGATE",), arch="X86_64", container_cpu=0, container_memory=None, deployed_at=None):
    args = dict(
        family=family,
        networkMode=network,
        requiresCompatibilities=list(compat),
        runtimePlatform={"cpuArchitecture": arch, "operatingSystemFamily": "LINUX"},
        containerDefinitions=[
            {
                "name": family,
                "image": f"123456789012.dkr.ecr.us-east-1.amazonaws.com/{family}:1.4.2",
                "cpu": container_cpu,
                "essential": True,
                **({"memory": container_memory} if container_memory else {}),
            }
        ],
    )
    if cpu:
        args["cpu"] = str(cpu)
        args["memory"] = str(memory)
    if deployed_at:
        # When a deployment of it starts (read by tests/aws/moto_server.py; ECS has no such tag).
        args["tags"] = [{"key": "seed:deployed-at", "value": deployed_at.isoformat()}]
    return ecs.register_task_definition(**args)["taskDefinition"]["taskDefinitionArn"]


api = register("api", 1024, 2048)
worker = register("worker", 512, 1024, arch="ARM64")
web = register("web", None, None, network="bridge", compat=("EC2",), container_cpu=512, container_memory=1024)
batch = register("batch", 256, 512, container_memory=512)
api2 = register("api-v2", 2048, 4096)
legacy = register("legacy", 1024, 2048, network="bridge", compat=("EC2",))

subnet = ec2.describe_subnets()["Subnets"][0]["SubnetId"]
group = ec2.describe_security_groups()["SecurityGroups"][0]["GroupId"]
net = {"awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [group]}}
ecs.create_service(cluster="prod", serviceName="api", taskDefinition=api, desiredCount=3, launchType="FARGATE", networkConfiguration=net)
ecs.create_service(
    cluster="prod",
    serviceName="worker",
    taskDefinition=worker,
    desiredCount=2,
    capacityProviderStrategy=[{"capacityProvider": "FARGATE_SPOT", "weight": 1}, {"capacityProvider": "FARGATE", "weight": 1}],
    networkConfiguration=net,
    tags=[{"key": "team", "value": "payments"}],
)
ecs.create_service(cluster="prod", serviceName="web", taskDefinition=web, desiredCount=2, launchType="EC2")
ecs.create_service(cluster="prod-2", serviceName="api", taskDefinition=api2, desiredCount=5, launchType="FARGATE", networkConfiguration=net)
ecs.create_service(cluster="staging", serviceName="legacy", taskDefinition=legacy, desiredCount=2, launchType="EC2")
renderer = register("renderer", 1024, 2048, compat=("MANAGED_INSTANCES",))
ecs.create_service(
    cluster="managed",
    serviceName="renderer",
    taskDefinition=renderer,
    desiredCount=3,
    capacityProviderStrategy=[{"capacityProvider": "managed-mi", "weight": 1}],
    networkConfiguration=net,
)
ecs.create_service(cluster="managed", serviceName="defaulted", taskDefinition=renderer, desiredCount=1, networkConfiguration=net)

# `history`: service `resized` ran 1 vCPU / 2 GiB from before the window, then 0.5 vCPU / 1 GiB
# from halfway through it (a deployment of `resized:2`).
ecs.create_cluster(clusterName="history", settings=insights_on, capacityProviders=["FARGATE"])
resized_1 = register("resized", 1024, 2048, deployed_at=start - timedelta(days=1))
resized_2 = register("resized", 512, 1024, deployed_at=start + (end - start) / 2)
ecs.create_service(cluster="history", serviceName="resized", taskDefinition=resized_1, desiredCount=2, launchType="FARGATE", networkConfiguration=net)
ecs.update_service(cluster="history", service="resized", taskDefinition=resized_2)

# Two m5.xlarge container instances in prod.
image = ec2.describe_images()["Images"][0]["ImageId"]
for instance in ec2.run_instances(ImageId=image, MinCount=2, MaxCount=2, InstanceType="m5.xlarge")["Instances"]:
    doc = '{"instanceId": "%s", "instanceType": "m5.xlarge", "region": "us-east-1"}' % instance["InstanceId"]
    ecs.register_container_instance(cluster="prod", instanceIdentityDocument=doc)

# One m5.large in staging.
for instance in ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="m5.large")["Instances"]:
    doc = '{"instanceId": "%s", "instanceType": "m5.large", "region": "us-east-1"}' % instance["InstanceId"]
    ecs.register_container_instance(cluster="staging", instanceIdentityDocument=doc)

# Standalone tasks; prod-2's must not be counted in prod.
ecs.run_task(cluster="prod", taskDefinition=batch, count=1, launchType="FARGATE", networkConfiguration=net, startedBy="nightly-cron")
ecs.run_task(cluster="prod-2", taskDefinition=batch, count=2, launchType="FARGATE", networkConfiguration=net)


def series(cluster, service, namespace, values):
    """values(step) -> list of (metric name, value, unit)."""
    batch_ = []
    for step in range(steps):
        at = start + timedelta(seconds=300 * step + 60)
        for name, value, unit in values(step):
            batch_.append(
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": "ClusterName", "Value": cluster}, {"Name": "ServiceName", "Value": service}],
                    "Timestamp": at,
                    "Value": value,
                    "Unit": unit,
                }
            )
            if len(batch_) == 1000:
                cw.put_metric_data(Namespace=namespace, MetricData=batch_)
                batch_ = []
    if batch_:
        cw.put_metric_data(Namespace=namespace, MetricData=batch_)


CI = "ECS/ContainerInsights"
series(
    "prod",
    "api",
    CI,
    lambda s: [
        ("RunningTaskCount", 3, "Count"),
        ("RunningTaskCount", 4 if s % 12 == 0 else 3, "Count"),
        ("CpuUtilized", 750 + 10 * (s % 10), "None"),
        ("MemoryUtilized", 2700, "Megabytes"),
    ],
)
series(
    "prod",
    "worker",
    CI,
    lambda s: [("RunningTaskCount", 2, "Count"), ("CpuUtilized", 200, "None"), ("MemoryUtilized", 800, "Megabytes")],
)
series(
    "prod",
    "web",
    CI,
    lambda s: [("RunningTaskCount", 2, "Count"), ("CpuUtilized", 600, "None"), ("MemoryUtilized", 1400, "Megabytes")],
)
series(
    "prod-2",
    "api",
    CI,
    lambda s: [("RunningTaskCount", 5, "Count"), ("CpuUtilized", 7500, "None"), ("MemoryUtilized", 15000, "Megabytes")],
)
series(
    "history",
    "resized",
    CI,
    lambda s: [
        ("RunningTaskCount", 2, "Count"),
        ("CpuUtilized", 800 if s < steps // 2 else 400, "None"),
        ("MemoryUtilized", 1000 if s < steps // 2 else 600, "Megabytes"),
    ],
)
series(
    "staging",
    "legacy",
    "AWS/ECS",
    lambda s: [("CPUUtilization", 40, "Percent"), ("MemoryUtilization", 55, "Percent")],
)
print("seeded", flush=True)
