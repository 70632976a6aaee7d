"""Starts moto's server on a free loopback port for the AWS tests.

Prints `READY <port>` once it listens, and stops when its standard input closes (the test that
started it is done, or died). Patches two known moto differences from AWS:
- container `cpu` and `memory` in RunTask/DescribeTasks are strings in the ECS API, numbers in moto;
- CreateService drops `capacityProviderStrategy` and always sets `launchType` EC2, where ECS keeps
  the strategy and sets no launch type.
"""

import sys

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
    result = _create_service(self)
    if strategy:
        cluster = self._get_param("cluster", "default").split("/")[-1]
        service = self.ecs_backend.services[f"{cluster}:{self._get_param('serviceName')}"]
        service.launch_type = None
        service.capacity_provider_strategy = [{"base": 0, **s} for s in strategy]
    return result


ecs_responses.EC2ContainerServiceResponse.create_service = _create_service_with_strategy

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(f"READY {server.get_host_and_port()[1]}", flush=True)
sys.stdin.read()
server.stop()
