"""Notifications on a member's devices by Web Push: the VAPID key pair they are signed with
(`vapid`), the devices that take them (`subscriptions`) and sending one (`push`).

See docs/offline.md#notifications-web-push.
"""
