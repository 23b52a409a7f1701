"""Factories for a studio's data. Use them inside the studio's schema (the `in_studio` fixture)."""

from __future__ import annotations

from decimal import Decimal

import factory

from studio.models import Client, Engineer, Equipment, Room


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Room

    name = factory.Sequence(lambda n: f"Room {n}")
    hourly_rate = Decimal("50.00")
    min_minutes = 60
    buffer_minutes = 30


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    name = factory.Sequence(lambda n: f"Client {n}")
    email = factory.Sequence(lambda n: f"client{n}@example.com")


class EngineerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Engineer

    name = factory.Sequence(lambda n: f"Engineer {n}")
    hourly_rate = Decimal("35.00")


class EquipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Equipment

    category = Equipment.Category.MICROPHONE
    make = "Neumann"
    model = "U 87 Ai"
    serial = factory.Sequence(lambda n: f"SN{n:05d}")
