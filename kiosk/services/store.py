"""The two storage names a screen may hold: the open database it passes back to each service call, and the
error a service call raises when the database cannot answer.

Screens never open sessions, run SQL or receive ORM rows (the ui-through-services contract in .importlinter);
they hold the handle opaquely and catch StoreError to say "could not reach the records". Named here, so the
ui depends on the service layer's word for them rather than on storage or SQLAlchemy directly.
"""

from sqlalchemy.exc import SQLAlchemyError as StoreError

from kiosk.storage.database import Database

__all__ = ["Database", "StoreError"]
