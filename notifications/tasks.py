from config.celery_app import TransientTask, app
from organizations.actors import BEAT

from .services import notification_send


@app.task(base=TransientTask, name="notifications.send")
def send_notification(notification_id: int) -> bool:
    return notification_send(actor=BEAT, notification_id=notification_id)
