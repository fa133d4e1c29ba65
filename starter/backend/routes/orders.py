"""Orders: quote, create (with an idempotency key), complete, modify, cancel, read and list
(Task 07). Every endpoint needs a user's token."""

from fastapi import APIRouter, Depends, Header, Query, Response, status

from backend.deps import get_actor, get_order_service
from backend.schemas.orders import (CancelOrderRequest, CreateOrderRequest, ModifyOrderRequest, OrderPage,
                                    OrderResponse, QuoteRequest, QuoteResponse)

router = APIRouter(prefix="/orders", tags=["Orders"])


@router.post("/quote", response_model=QuoteResponse)
async def quote(body: QuoteRequest, actor=Depends(get_actor), service=Depends(get_order_service)):
    pricing = await service.quote(actor, [item.model_dump() for item in body.items])
    return QuoteResponse(**pricing.model_dump())


@router.post("", response_model=OrderResponse, status_code=status.HTTP_201_CREATED)
async def create_order(
    body: CreateOrderRequest,
    response: Response,
    idempotency_key: str = Header(alias="Idempotency-Key", min_length=1, max_length=100),
    actor=Depends(get_actor),
    service=Depends(get_order_service),
):
    order, created = await service.create_order(actor, idempotency_key, [item.model_dump() for item in body.items],
                                                body.shipping_address.model_dump())
    if not created:  # the same request again: the order it made the first time
        response.status_code = status.HTTP_200_OK
    return OrderResponse.of(order)


@router.get("", response_model=OrderPage)
async def list_orders(
    status_: str | None = Query(None, alias="status"),
    limit: int = Query(20, ge=1),
    cursor: str | None = None,
    actor=Depends(get_actor),
    service=Depends(get_order_service),
):
    items, next_cursor = await service.list_orders(actor, status=status_, limit=limit, cursor=cursor)
    return OrderPage(items=[OrderResponse.of(o) for o in items], next_cursor=next_cursor)


@router.get("/number/{order_number}", response_model=OrderResponse)
async def get_order_by_number(order_number: str, actor=Depends(get_actor), service=Depends(get_order_service)):
    return OrderResponse.of(await service.get_order_by_number(actor, order_number))


@router.get("/{order_id}", response_model=OrderResponse)
async def get_order(order_id: str, actor=Depends(get_actor), service=Depends(get_order_service)):
    return OrderResponse.of(await service.get_order(actor, order_id))


@router.post("/{order_id}/complete", response_model=OrderResponse)
async def complete_order(order_id: str, actor=Depends(get_actor), service=Depends(get_order_service)):
    return OrderResponse.of(await service.complete_order(actor, order_id))


@router.post("/{order_id}/cancel", response_model=OrderResponse)
async def cancel_order(order_id: str, body: CancelOrderRequest | None = None, actor=Depends(get_actor),
                       service=Depends(get_order_service)):
    reason = body.reason if body is not None else None
    return OrderResponse.of(await service.cancel_order(actor, order_id, reason))


@router.patch("/{order_id}", response_model=OrderResponse)
async def modify_order(order_id: str, body: ModifyOrderRequest, actor=Depends(get_actor),
                       service=Depends(get_order_service)):
    items = [change.model_dump() for change in body.items] if body.items is not None else None
    address = body.shipping_address.model_dump() if body.shipping_address is not None else None
    return OrderResponse.of(await service.modify_order(actor, order_id, items=items, shipping_address=address))
