from config.celery_app import TransientTask, app

from .services import notification_send


@app.task(base=TransientTask, name="notifications.send")
def send_notification(notification_id: int) -> bool:
    return notification_send(notification_id=notification_id)
