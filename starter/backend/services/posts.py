"""Posts: create, read, the feeds, update, publish, delete, moderation and global
distribution.

TASK 05 - you implement every method below. Read tasks/05-post.md first.
Useful: shared.models.post (Post, PostStatus, PostType, MediaType, MediaAttachment,
LinkPreview, PostAuthor, DistributionStatus, MAX_PINNED_POSTS), shared.models.community
(Community, CommunityStatus, Visibility), shared.models.user.User, shared.errors,
shared.identity.Actor, shared.events.EventType, shared.timeutil.utc_now,
beanie.PydanticObjectId, pymongo.ReturnDocument.
"""

from backend.events import EventPublisher
from shared.identity import Actor
from shared.models.post import Post

MAX_PAGE_SIZE = 100


class PostService:
    def __init__(self, events: EventPublisher):
        self.events = events

    async def create_post(
        self,
        actor: Actor,
        community_id: str,
        post_type: str,
        text_content: str | None = None,
        media: list[dict] | None = None,
        link_preview: dict | None = None,
        draft: bool = False,
    ) -> Post:
        """Exercise 05.1. A post in a community. ``NotFoundError`` (one message whatever the
        reason) when the community id is not an ObjectId, no community has it, it is deleted, or
        it is private and the caller is neither a member nor an admin. ``AuthorizationError``
        when the caller is not a member, a supplier included (nothing is stored).
        ``StateConflictError`` when the community is not active. ``ValidationError`` (details
        ``{"field": ...}``) when the content does not fit the type: text and poll need
        ``text_content``; image needs media, all images; video needs media, all videos; link
        needs ``link_preview``; every video has ``duration_seconds`` and no image has one. The
        author is a snapshot of the user (``user_id``, ``display_name``, ``avatar``,
        ``author_type`` = the role). ``draft`` True: status draft and no ``published_at``;
        otherwise published now. Emit ``post.created`` with ``post.event_data()``."""
        raise NotImplementedError("PostService.create_post")

    async def get_post(self, post_id: str, actor: Actor | None = None) -> Post:
        """Exercise 05.2. The post with this id, as ``actor`` (None: anonymous) may see it.
        ``NotFoundError``, always with the same message, when the id is not an ObjectId, no
        post has it, it is deleted, its community is deleted or is private and the caller is
        neither a member nor an admin, it is a draft of someone else, or it is hidden and the
        caller is neither its author nor the community's owner, a moderator or an admin."""
        raise NotImplementedError("PostService.get_post")

    async def community_feed(self, community_id: str, actor: Actor | None = None, limit: int = 20,
                             cursor: str | None = None) -> tuple[list[Post], str | None]:
        """Exercise 05.2. The community's published, not deleted posts: pinned first, then
        newest ``published_at`` first, then ``_id`` descending. ``NotFoundError`` for a
        community the caller may not see (as in ``create_post``, the same message). One page of
        at most ``limit`` (capped at ``MAX_PAGE_SIZE``) and the cursor of the next page (None on
        the last). A cursor that cannot be read, or that was made for the other listing, raises
        ``ValidationError``."""
        raise NotImplementedError("PostService.community_feed")

    async def author_posts(self, user_id: str, actor: Actor | None = None, limit: int = 20,
                           cursor: str | None = None) -> tuple[list[Post], str | None]:
        """Exercise 05.2. The published, not deleted posts whose ``author.user_id`` is
        ``user_id`` (a string, as stored), newest ``published_at`` first, then ``_id``
        descending, leaving out posts of communities the caller may not see (deleted ones,
        private ones they are not a member of; admins see private ones). ``NotFoundError`` when
        ``user_id`` is not an ObjectId; an unknown user has no posts. Paged as
        ``community_feed``; a bad cursor raises ``ValidationError``."""
        raise NotImplementedError("PostService.author_posts")

    async def update_post(self, actor: Actor, post_id: str, **changes) -> Post:
        """Exercise 05.3. ``changes`` holds the fields sent (``text_content``, ``media``,
        ``link_preview``; None clears one). Checked in this order: ``NotFoundError`` as in
        ``get_post``; only the author may edit (``AuthorizationError``); none sent raises
        ``ValidationError`` (details ``{"field": "body"}``); a hidden post cannot be edited
        (``StateConflictError``); a result that breaks 05.1's content rules raises
        ``ValidationError``. The community's status plays no part. Refresh ``updated_at``, and
        set ``edited_at`` when the post is published. Emit ``post.updated`` with
        ``post.event_data()``."""
        raise NotImplementedError("PostService.update_post")

    async def publish_post(self, actor: Actor, post_id: str) -> Post:
        """Exercise 05.3. ``NotFoundError`` as in ``get_post``; only the author
        (``AuthorizationError``). Only a draft is published, in an active community
        (``StateConflictError`` otherwise, also for a post published already): status
        published, ``published_at`` and ``updated_at`` now. Happens once: of publishes sent
        at the same moment one succeeds, the others raise ``StateConflictError`` (one
        conditional update whose filter holds the draft status). Emit ``post.published``
        with ``post.event_data()``."""
        raise NotImplementedError("PostService.publish_post")

    async def delete_post(self, actor: Actor, post_id: str) -> None:
        """Exercise 05.3. ``NotFoundError`` as in ``get_post``; only the author
        (``AuthorizationError``). Soft delete: set ``deleted_at`` and ``updated_at``. A pinned
        post is unpinned (``is_pinned`` False, ``pinned_at`` and ``pinned_by`` None) and gives
        its place back (``Community.pinned_post_count`` - 1). Emit ``post.deleted`` whose data
        is only ``{"id": <post id>}``."""
        raise NotImplementedError("PostService.delete_post")

    async def pin_post(self, actor: Actor, post_id: str) -> Post:
        """Exercise 05.4. ``NotFoundError`` as in ``get_post``; only the community's owner,
        its moderators or an admin (``AuthorizationError``). Only a published post that is not
        pinned (``StateConflictError``), and at most ``MAX_PINNED_POSTS`` pinned posts per
        community, also when pins are sent at the same moment (``StateConflictError`` when
        full): count them in ``Community.pinned_post_count`` with one conditional update.
        Set ``is_pinned``, ``pinned_at``, ``pinned_by``, ``updated_at``; emit ``post.updated``.
        The community's status plays no part (also for unpin and hide)."""
        raise NotImplementedError("PostService.pin_post")

    async def unpin_post(self, actor: Actor, post_id: str) -> Post:
        """Exercise 05.4. As ``pin_post`` for who may (``NotFoundError``,
        ``AuthorizationError``). Only a pinned post (``StateConflictError``): clear
        ``is_pinned``, ``pinned_at``, ``pinned_by``, refresh ``updated_at``; it gives its place
        back. Emit ``post.updated``."""
        raise NotImplementedError("PostService.unpin_post")

    async def hide_post(self, actor: Actor, post_id: str, reason: str | None = None) -> Post:
        """Exercise 05.4. As ``pin_post`` for who may (``NotFoundError``,
        ``AuthorizationError``). Only a published post (``StateConflictError``): status hidden,
        ``hidden_at``, ``hidden_by``, ``hide_reason``, ``updated_at``; a pinned post is unpinned
        and gives its place back. Emit ``post.updated``."""
        raise NotImplementedError("PostService.hide_post")

    async def request_distribution(self, actor: Actor, post_id: str) -> Post:
        """Exercise 05.5. ``NotFoundError`` as in ``get_post``; only the author
        (``AuthorizationError``). Only a published post whose distribution is none or rejected
        (``StateConflictError``) becomes pending, with ``requested_at`` and ``updated_at`` now
        and the last decision cleared. Emit ``post.updated``."""
        raise NotImplementedError("PostService.request_distribution")

    async def approve_distribution(self, actor: Actor, post_id: str) -> Post:
        """Exercise 05.5. ``NotFoundError`` as in ``get_post``; only platform admins
        (``AuthorizationError``). Pending -> approved (``StateConflictError`` from any other
        status; the post's own status plays no part), recording ``decided_by`` and
        ``decided_at`` (``reason`` stays None) and refreshing ``updated_at``. Decided once: of
        decisions sent at the same moment one succeeds, the others raise ``StateConflictError``.
        Emit ``post.updated``."""
        raise NotImplementedError("PostService.approve_distribution")

    async def reject_distribution(self, actor: Actor, post_id: str, reason: str | None = None) -> Post:
        """Exercise 05.5. As ``approve_distribution`` (``NotFoundError``,
        ``AuthorizationError``, ``StateConflictError``), pending -> rejected, also recording
        the ``reason``."""
        raise NotImplementedError("PostService.reject_distribution")

    async def revoke_distribution(self, actor: Actor, post_id: str, reason: str | None = None) -> Post:
        """Exercise 05.5. As ``approve_distribution`` (``NotFoundError``,
        ``AuthorizationError``, ``StateConflictError``), approved -> revoked, recording who,
        when and the ``reason``."""
        raise NotImplementedError("PostService.revoke_distribution")
