"""async-task-manager's Python client (standard library only): see docs/clients.md.

    from async_task_manager import Client

    client = Client("http://localhost:8080")
    created = client.create_task(task_type="echo", payload={"hello": "world"})
    task = client.wait_for_task(created.task_id, timeout=30)
    print(task.status, task.result)
"""
from .client import Client
from .errors import TaskManagerError, WaitTimeoutError
from .models import FINAL_STATUSES, CreatedTask, Task, TaskLog, TaskPage

__all__ = [
    "Client",
    "CreatedTask",
    "FINAL_STATUSES",
    "Task",
    "TaskLog",
    "TaskManagerError",
    "TaskPage",
    "WaitTimeoutError",
]
__version__ = "0.1.0"
