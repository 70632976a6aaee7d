"""Starts moto's server on a free loopback port for the AWS tests.

Prints `READY <port>` once it listens, and stops when its standard input closes (the test that
started it is done, or died). Patches known moto differences from AWS:
- container `cpu` and `memory` in RunTask/DescribeTasks are strings in the ECS API, numbers in moto;
- CreateService drops `capacityProviderStrategy` and always sets `launchType` EC2, where ECS keeps
  the strategy and sets no launch type (and, given neither, leaves both to the cluster's default
  capacity provider strategy);
- CreateCapacityProvider knows only Auto Scaling groups: a `managedInstancesProvider` (ECS Managed
  Instances) is kept and described back with `type` MANAGED_INSTANCES, as ECS does.
- moto has no service deployments: CreateService and an UpdateService that sets a task definition
  record one (status SUCCESSFUL, a service revision of that task definition), answered by
  ListServiceDeployments and DescribeServiceRevisions as ECS answers them. A deployment is dated
  now, or at its task definition's `seed:deployed-at` tag (RFC 3339) so the seed can place it
  inside the seeded window.
"""

import sys
import uuid
from datetime import datetime, timezone

from moto.ecs import models as ecs_models
from moto.ecs import responses as ecs_responses
from moto.moto_api import state_manager
from moto.server import ThreadedMotoServer

# moto moves a task one state along (RUNNING, DEACTIVATING, ...) at every describe; in the
# account being modelled, running tasks keep running.
state_manager.set_transition("ecs::task", {"progression": "manual", "times": 1_000_000})

_container_init = ecs_models.Container.__init__


def _container_init_with_string_sizes(self, task_def):
    _container_init(self, task_def)
    self.cpu = None if self.cpu is None else str(self.cpu)
    self.memory = None if self.memory is None else str(self.memory)


ecs_models.Container.__init__ = _container_init_with_string_sizes

_create_service = ecs_responses.EC2ContainerServiceResponse.create_service


def _create_service_with_strategy(self):
    strategy = self._get_param("capacityProviderStrategy")
    launch_type = self._get_param("launchType")
    result = _create_service(self)
    if strategy or not launch_type:
        cluster = self._get_param("cluster", "default").split("/")[-1]
        service = self.ecs_backend.services[f"{cluster}:{self._get_param('serviceName')}"]
        service.launch_type = None
        service.capacity_provider_strategy = [{"base": 0, **s} for s in strategy or []]
    return result


ecs_responses.EC2ContainerServiceResponse.create_service = _create_service_with_strategy

# (cluster name, service name) -> deployments, oldest first; revision ARN -> revision.
_deployments = {}
_revisions = {}


def _record_deployment(backend, cluster, name):
    service = backend.services[f"{cluster}:{name}"]
    td = service.task_definition
    history = _deployments.setdefault((cluster, name), [])
    if history and _revisions[history[-1]["targetServiceRevisionArn"]]["taskDefinition"] == td:
        return
    tags = {t["key"]: t["value"] for t in backend.list_tags_for_resource(td)}
    at = tags.get("seed:deployed-at")
    at = datetime.fromisoformat(at.replace("Z", "+00:00")) if at else datetime.now(timezone.utc)
    account = service.arn.split(":")[4]
    revision = f"arn:aws:ecs:us-east-1:{account}:service-revision/{cluster}/{name}/{uuid.uuid4().int % 10**19}"
    _revisions[revision] = {
        "serviceRevisionArn": revision,
        "serviceArn": service.arn,
        "clusterArn": service.cluster_arn,
        "taskDefinition": td,
        "createdAt": at,
    }
    history.append(
        {
            "serviceDeploymentArn": f"arn:aws:ecs:us-east-1:{account}:service-deployment/{cluster}/{name}/{uuid.uuid4().hex[:22]}",
            "serviceArn": service.arn,
            "clusterArn": service.cluster_arn,
            "createdAt": at,
            "startedAt": at,
            "finishedAt": at,
            "targetServiceRevisionArn": revision,
            "status": "SUCCESSFUL",
        }
    )


def _create_service_recording(self):
    result = _create_service_with_strategy(self)
    _record_deployment(self.ecs_backend, self._get_param("cluster", "default").split("/")[-1], self._get_param("serviceName"))
    return result


ecs_responses.EC2ContainerServiceResponse.create_service = _create_service_recording

_update_service = ecs_responses.EC2ContainerServiceResponse.update_service


def _update_service_recording(self):
    result = _update_service(self)
    if self._get_param("taskDefinition"):
        cluster = self._get_param("cluster", "default").split("/")[-1]
        _record_deployment(self.ecs_backend, cluster, self._get_param("service").split("/")[-1])
    return result


ecs_responses.EC2ContainerServiceResponse.update_service = _update_service_recording


def _list_service_deployments(self):
    cluster = self._get_param("cluster", "default").split("/")[-1]
    name = self._get_param("service").split("/")[-1]
    # Newest first, as ECS lists them; one page.
    found = list(reversed(_deployments.get((cluster, name), [])))
    return ecs_responses.ActionResult({"serviceDeployments": found})


def _describe_service_revisions(self):
    arns = self._get_param("serviceRevisionArns") or []
    found = [_revisions[a] for a in arns if a in _revisions]
    failures = [{"arn": a, "reason": "MISSING"} for a in arns if a not in _revisions]
    return ecs_responses.ActionResult({"serviceRevisions": found, "failures": failures})


ecs_responses.EC2ContainerServiceResponse.list_service_deployments = _list_service_deployments
ecs_responses.EC2ContainerServiceResponse.describe_service_revisions = _describe_service_revisions

_create_capacity_provider = ecs_responses.EC2ContainerServiceResponse.create_capacity_provider


def _create_capacity_provider_of_either_type(self):
    managed = self._get_param("managedInstancesProvider")
    if not managed:
        result = _create_capacity_provider(self)
        self.ecs_backend.capacity_providers[self._get_param("name")].type = "EC2_AUTOSCALING"
        return result
    provider = self.ecs_backend.create_capacity_provider(self._get_param("name"), {}, self._get_param("tags"))
    provider.auto_scaling_group_provider = None
    provider.managed_instances_provider = managed
    provider.type = "MANAGED_INSTANCES"
    return ecs_responses.ActionResult({"capacityProvider": provider})


ecs_responses.EC2ContainerServiceResponse.create_capacity_provider = _create_capacity_provider_of_either_type

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(f"READY {server.get_host_and_port()[1]}", flush=True)
sys.stdin.read()
server.stop()
